import { ArmRoute } from '../http/routeTable';
import { apiCollectionRoutes } from './apiCollectionRoutes';
import { apiManagementRoutes } from './apiManagementRoutes';
import { metricsRoutes } from './metricsRoutes';
import { resourceGraphRoutes } from './resourceGraphRoutes';
import { securityRoutes } from './securityRoutes';

/** Every ARM route the emulator serves. */
export const armRoutes: ArmRoute[] = [
  ...apiManagementRoutes,
  ...apiCollectionRoutes,
  ...securityRoutes,
  ...metricsRoutes,
  ...resourceGraphRoutes,
];

export { API_VERSIONS } from './apiVersions';
