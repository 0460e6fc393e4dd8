import { ArmHttpError, armError, armErrors } from '../http/armErrors';
import { skipTokenPage } from '../http/paging';
import { ArmRoute } from '../http/routeTable';
import { ArmResponse, RouteContext } from '../http/types';
import { renderCollection } from '../resources/security';
import { CollectionEntry, OperationEntry } from '../state/model';
import { API_VERSIONS } from './apiVersions';
import {
  checkResourceGroup,
  findApi,
  findService,
  findSubscription,
} from './lookups';

const SERVICE =
  '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ApiManagement/service/{serviceName}';
const TYPE = 'Microsoft.Security/apiCollections';
const VERSIONS = API_VERSIONS.apiCollections;

/**
 * Defender for APIs onboarding (`Microsoft.Security/apiCollections` 2023-11-15): one
 * collection per API (GET, PUT = onboard, DELETE = offboard), lists at service, resource group
 * and subscription scope, and the operation-results URL the onboarding PUT points to.
 */
export const apiCollectionRoutes: ArmRoute[] = [
  {
    pattern: `${SERVICE}/providers/Microsoft.Security/apiCollections/{apiId}`,
    resourceType: TYPE,
    apiVersions: VERSIONS,
    handlers: {
      GET: ctx => {
        const service = findService(ctx);
        const api = ctx.state.api(service, ctx.params.apiId);
        const collection = api && ctx.state.collectionOf(api);
        if (!collection) throw new ArmHttpError(collectionNotFound(ctx));
        return { status: 200, body: renderCollection(collection) };
      },
      PUT: onboard,
      DELETE: ctx => {
        const service = findService(ctx);
        const api = ctx.state.api(service, ctx.params.apiId);
        return { status: api && ctx.state.offboard(api) ? 200 : 204 };
      },
    },
  },
  {
    pattern: `${SERVICE}/providers/Microsoft.Security/apiCollections`,
    resourceType: TYPE,
    apiVersions: VERSIONS,
    handlers: {
      GET: ctx => {
        findService(ctx);
        const { subscriptionId, resourceGroupName, serviceName } = ctx.params;
        return listPage(
          ctx,
          ctx.state.collectionsIn({
            subscriptionId,
            resourceGroup: resourceGroupName,
            serviceName,
          }),
        );
      },
    },
  },
  {
    pattern:
      '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Security/apiCollections',
    resourceType: TYPE,
    apiVersions: VERSIONS,
    handlers: {
      GET: ctx => {
        checkResourceGroup(ctx);
        const { subscriptionId, resourceGroupName } = ctx.params;
        return listPage(
          ctx,
          ctx.state.collectionsIn({
            subscriptionId,
            resourceGroup: resourceGroupName,
          }),
        );
      },
    },
  },
  {
    pattern:
      '/subscriptions/{subscriptionId}/providers/Microsoft.Security/apiCollections',
    resourceType: TYPE,
    apiVersions: VERSIONS,
    handlers: {
      GET: ctx => {
        findSubscription(ctx);
        return listPage(
          ctx,
          ctx.state.collectionsIn({
            subscriptionId: ctx.params.subscriptionId,
          }),
        );
      },
    },
  },
  {
    pattern:
      '/subscriptions/{subscriptionId}/providers/Microsoft.Security/locations/{location}/operationResults/{operationId}',
    resourceType: 'Microsoft.Security/locations/operationResults',
    apiVersions: VERSIONS,
    handlers: { GET: pollOperation },
  },
];

/**
 * PUT: a new onboarding answers 201 + Location + Retry-After with an `InProgress` body, as the
 * real service does; a repeated PUT while it runs points to the same operation; an onboarded
 * API answers 200 with the resource.
 */
function onboard(ctx: RouteContext): ArmResponse {
  const api = findApi(ctx, findService(ctx));
  const outcome = ctx.state.onboard(api);
  switch (outcome.kind) {
    case 'alreadyOnboarded':
      return { status: 200, body: renderCollection(outcome.collection) };
    case 'rejected':
      return armError(
        outcome.failure.status,
        outcome.failure.code,
        outcome.failure.message,
      );
    default:
      return {
        status: 201,
        body: renderCollection(outcome.collection),
        headers: {
          location: operationUrl(ctx, outcome.operation),
          'retry-after': String(ctx.settings.retryAfterSeconds),
        },
      };
  }
}

/**
 * Location polling: 202 while running (the only status core-lro's Location mode treats as
 * running), then 200 with the collection, or the scenario's ARM error when onboarding fails.
 */
function pollOperation(ctx: RouteContext): ArmResponse {
  findSubscription(ctx);
  const outcome = ctx.state.poll(ctx.params.operationId);
  const subscriptionMatches =
    outcome?.operation.api.service.subscription.subscriptionId.toLowerCase() ===
    ctx.params.subscriptionId.toLowerCase();
  if (!outcome || !subscriptionMatches) {
    return armError(
      404,
      'OperationNotFound',
      `The operation '${ctx.params.operationId}' could not be found.`,
    );
  }
  switch (outcome.kind) {
    case 'running':
      return {
        status: 202,
        headers: {
          location: operationUrl(ctx, outcome.operation),
          'retry-after': String(ctx.settings.retryAfterSeconds),
        },
      };
    case 'succeeded':
      return { status: 200, body: renderCollection(outcome.collection) };
    default:
      return armError(
        outcome.failure.status,
        outcome.failure.code,
        outcome.failure.message,
      );
  }
}

function operationUrl(ctx: RouteContext, operation: OperationEntry): string {
  const { subscription, scenario } = operation.api.service;
  return `${ctx.baseUrl}/subscriptions/${subscription.subscriptionId}/providers/Microsoft.Security/locations/${scenario.location}/operationResults/${operation.id}?api-version=${VERSIONS[0]}`;
}

function listPage(
  ctx: RouteContext,
  collections: CollectionEntry[],
): ArmResponse {
  const page = skipTokenPage(collections, ctx);
  return {
    status: 200,
    body: { ...page, value: page.value.map(renderCollection) },
  };
}

function collectionNotFound(ctx: RouteContext): ArmResponse {
  return armErrors.resourceNotFound(
    TYPE,
    ctx.params.apiId,
    ctx.params.resourceGroupName,
  );
}
