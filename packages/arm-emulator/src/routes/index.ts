import { ArmRoute } from '../http/routeTable';
import { apiCollectionRoutes } from './apiCollectionRoutes';
import { apiManagementRoutes } from './apiManagementRoutes';
import { securityRoutes } from './securityRoutes';

/** Every ARM route the emulator serves. */
export const armRoutes: ArmRoute[] = [
  ...apiManagementRoutes,
  ...apiCollectionRoutes,
  ...securityRoutes,
];

export { API_VERSIONS } from './apiVersions';
