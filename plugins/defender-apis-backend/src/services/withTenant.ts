import { serviceKey } from '../model/mapping';
import { OnboardTarget } from '../model/azureResources';
import { ConfiguredService } from '../model/configuredService';

/**
 * The target with the tenant of its service, so the operation runs with that tenant's
 * credential wherever and whenever it runs. Rows queued before targets carried it get it
 * when they run.
 */
export function withTenant(
  services: readonly ConfiguredService[],
  target: OnboardTarget,
): OnboardTarget {
  if (target.tenantId) return target;
  const service = services.find(s => serviceKey(s) === serviceKey(target));
  return service?.tenantId ? { ...target, tenantId: service.tenantId } : target;
}
