import { ArmHttpError, armError, armErrors } from '../http/armErrors';
import { RouteContext } from '../http/types';
import { ApiEntry, ServiceEntry, SubscriptionEntry } from '../state/model';

/*
 * Resolves route parameters to scenario entries, answering with the 404 ARM would give at the
 * first missing level (subscription, resource group, service, API).
 */

export function findSubscription(ctx: RouteContext): SubscriptionEntry {
  const subscription = ctx.state.subscription(ctx.params.subscriptionId);
  if (!subscription) {
    throw new ArmHttpError(
      armErrors.subscriptionNotFound(ctx.params.subscriptionId),
    );
  }
  return subscription;
}

export function checkResourceGroup(ctx: RouteContext): void {
  findSubscription(ctx);
  const { subscriptionId, resourceGroupName } = ctx.params;
  if (!ctx.state.hasResourceGroup(subscriptionId, resourceGroupName)) {
    throw new ArmHttpError(armErrors.resourceGroupNotFound(resourceGroupName));
  }
}

export function findService(ctx: RouteContext): ServiceEntry {
  checkResourceGroup(ctx);
  const { subscriptionId, resourceGroupName, serviceName } = ctx.params;
  const service = ctx.state.service(
    subscriptionId,
    resourceGroupName,
    serviceName,
  );
  if (!service) {
    throw new ArmHttpError(
      armErrors.resourceNotFound(
        'Microsoft.ApiManagement/service',
        serviceName,
        resourceGroupName,
      ),
    );
  }
  return service;
}

/** The API named by `{apiId}`; API Management answers a missing one with "Api not found.". */
export function findApi(ctx: RouteContext, service: ServiceEntry): ApiEntry {
  const api = ctx.state.api(service, ctx.params.apiId);
  if (!api)
    throw new ArmHttpError(armError(404, 'ResourceNotFound', 'Api not found.'));
  return api;
}
