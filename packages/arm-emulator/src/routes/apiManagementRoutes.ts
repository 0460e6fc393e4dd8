import { ArmHttpError, armErrors } from '../http/armErrors';
import { apimPage, skipTokenPage } from '../http/paging';
import { ArmRoute } from '../http/routeTable';
import { RouteContext } from '../http/types';
import {
  renderApi,
  renderOperation,
  renderService,
} from '../resources/apiManagement';
import { ApiEntry } from '../state/model';
import { API_VERSIONS } from './apiVersions';
import { findApi, findService, findSubscription } from './lookups';

const SERVICE =
  '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ApiManagement/service/{serviceName}';

/**
 * API Management: a subscription's services (paged), the service, its API list (paged) and one
 * API (`apiId` may carry `;rev=N`).
 */
export const apiManagementRoutes: ArmRoute[] = [
  {
    pattern:
      '/subscriptions/{subscriptionId}/providers/Microsoft.ApiManagement/service',
    resourceType: 'Microsoft.ApiManagement/service',
    apiVersions: API_VERSIONS.apiManagement,
    handlers: {
      GET: ctx => {
        const page = skipTokenPage(findSubscription(ctx).services, ctx);
        return {
          status: 200,
          body: { ...page, value: page.value.map(renderService) },
        };
      },
    },
  },
  {
    pattern: SERVICE,
    resourceType: 'Microsoft.ApiManagement/service',
    apiVersions: API_VERSIONS.apiManagement,
    handlers: {
      GET: ctx => ({ status: 200, body: renderService(findService(ctx)) }),
    },
  },
  {
    pattern: `${SERVICE}/apis`,
    resourceType: 'Microsoft.ApiManagement/service/apis',
    apiVersions: API_VERSIONS.apiManagement,
    handlers: {
      GET: ctx => {
        const apis = applyFilter(findService(ctx).apis, ctx);
        const page = apimPage(apis, ctx);
        return {
          status: 200,
          body: {
            ...page,
            value: page.value.map(api => renderApi(api, 'list')),
          },
        };
      },
    },
  },
  {
    pattern: `${SERVICE}/apis/{apiId}`,
    resourceType: 'Microsoft.ApiManagement/service/apis',
    apiVersions: API_VERSIONS.apiManagement,
    handlers: {
      GET: ctx => ({
        status: 200,
        body: renderApi(findApi(ctx, findService(ctx)), 'get'),
        headers: { etag: '"AAAAAAAAAAE="' },
      }),
    },
  },
  {
    pattern: `${SERVICE}/apis/{apiId}/operations`,
    resourceType: 'Microsoft.ApiManagement/service/apis/operations',
    apiVersions: API_VERSIONS.apiManagement,
    handlers: {
      GET: ctx => {
        const api = findApi(ctx, findService(ctx));
        const page = apimPage(api.scenario.operations ?? [], ctx);
        return {
          status: 200,
          body: {
            ...page,
            value: page.value.map(operation => renderOperation(api, operation)),
          },
        };
      },
    },
  },
];

/**
 * Supports the one `$filter` a Defender client plausibly sends (`isCurrent eq true|false`);
 * anything else is refused rather than silently ignored.
 */
function applyFilter(apis: ApiEntry[], ctx: RouteContext): ApiEntry[] {
  const filter = ctx.query.get('$filter');
  if (filter === null) return apis;
  const match = /^\s*isCurrent\s+eq\s+(true|false)\s*$/i.exec(filter);
  if (!match) {
    throw new ArmHttpError(
      armErrors.badRequest(
        'ValidationError',
        `The ARM emulator only supports $filter=isCurrent eq true|false, got '${filter}'.`,
      ),
    );
  }
  const wanted = match[1].toLowerCase() === 'true';
  return apis.filter(api => (api.scenario.isCurrent ?? true) === wanted);
}
