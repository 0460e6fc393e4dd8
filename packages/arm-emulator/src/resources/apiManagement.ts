import { ScenarioOperation } from '../scenario/types';
import { ApiEntry, ServiceEntry } from '../state/model';

/*
 * API Management resources as API Management 2024-05-01 answers them
 * (see ApiManagementListApis / ApiManagementGetApiContract examples).
 */

/** `GET .../Microsoft.ApiManagement/service/{svc}` */
export function renderService(service: ServiceEntry): object {
  const svc = service.scenario;
  const host = `${svc.name.toLowerCase()}`;
  return {
    id: service.id,
    name: svc.name,
    type: 'Microsoft.ApiManagement/service',
    location: svc.location,
    etag: 'AAAAAAAmREI=',
    tags: {},
    properties: {
      publisherEmail: svc.publisherEmail ?? 'apis@contoso.com',
      publisherName: svc.publisherName ?? 'Contoso',
      notificationSenderEmail: 'apimgmt-noreply@mail.windowsazure.com',
      provisioningState: 'Succeeded',
      targetProvisioningState: '',
      createdAtUtc: '2024-03-01T09:12:45.1234567Z',
      gatewayUrl: `https://${host}.azure-api.net`,
      ...(svc.sku === 'Consumption'
        ? {}
        : {
            portalUrl: `https://${host}.portal.azure-api.net`,
            developerPortalUrl: `https://${host}.developer.azure-api.net`,
            managementApiUrl: `https://${host}.management.azure-api.net`,
            scmUrl: `https://${host}.scm.azure-api.net`,
          }),
      hostnameConfigurations: [
        {
          type: 'Proxy',
          hostName: `${host}.azure-api.net`,
          negotiateClientCertificate: false,
          defaultSslBinding: true,
          certificateSource: 'BuiltIn',
        },
      ],
      virtualNetworkType: 'None',
      disableGateway: false,
      publicNetworkAccess: 'Enabled',
      platformVersion: svc.sku === 'Consumption' ? 'mtv1' : 'stv2',
    },
    sku: {
      name: svc.sku,
      capacity: svc.skuCapacity ?? (svc.sku === 'Consumption' ? 0 : 1),
    },
  };
}

/**
 * `GET .../apis/{apiId}` and the items of `GET .../apis`. `properties.type` is left out for
 * plain HTTP APIs, as in the list example; only the single GET carries `isOnline`.
 */
export function renderApi(api: ApiEntry, detail: 'get' | 'list'): object {
  const a = api.scenario;
  return {
    id: api.id,
    type: 'Microsoft.ApiManagement/service/apis',
    name: a.name,
    properties: {
      displayName: a.displayName,
      apiRevision: a.apiRevision ?? '1',
      ...(a.description ? { description: a.description } : {}),
      ...(a.serviceUrl ? { serviceUrl: a.serviceUrl } : {}),
      path: a.path,
      protocols: a.protocols ?? ['https'],
      ...(a.apiType ? { type: a.apiType } : {}),
      subscriptionKeyParameterNames: {
        header: 'Ocp-Apim-Subscription-Key',
        query: 'subscription-key',
      },
      isCurrent: a.isCurrent ?? true,
      ...(detail === 'get' ? { isOnline: true } : {}),
    },
  };
}

/** An operation of an API (`Microsoft.ApiManagement/service/apis/operations`). */
export function renderOperation(
  api: ApiEntry,
  operation: ScenarioOperation,
): object {
  return {
    id: `${api.id}/operations/${operation.name}`,
    type: 'Microsoft.ApiManagement/service/apis/operations',
    name: operation.name,
    properties: {
      displayName: operation.displayName,
      method: operation.method,
      urlTemplate: operation.urlTemplate,
      templateParameters: [],
      responses: [],
    },
  };
}
