/**
 * `Microsoft.Security/apiCollections` (api-version 2023-11-15), which @azure/arm-security
 * 5.0.0 does not have. The operations are hand-written specs sent through the same
 * `SecurityCenter` client, so bearer auth, retries, throttling and error parsing stay the
 * SDK's; onboarding uses core-lro's `createHttpPoller` exactly as generated SDKs do.
 */
import * as coreClient from '@azure/core-client';
import {
  createHttpPoller,
  OperationState,
  SimplePollerLike,
} from '@azure/core-lro';
import { SecurityCenter } from '@azure/arm-security';
import { AbortSignalLike } from '@azure/abort-controller';
import { ApiCollection } from '../model/azureResources';
import {
  acceptJson,
  apiVersionParam,
  CloudErrorMapper,
  hostParam,
  subscriptionIdParam,
  urlParam,
} from './operationSpecs';

const API_VERSION = '2023-11-15';

const property = (name: string, type: 'String' | 'Number') => ({
  serializedName: `properties.${name}`,
  readOnly: true,
  type: { name: type },
});

const ApiCollectionMapper: coreClient.CompositeMapper = {
  type: {
    name: 'Composite',
    className: 'ApiCollection',
    modelProperties: {
      id: { serializedName: 'id', readOnly: true, type: { name: 'String' } },
      name: {
        serializedName: 'name',
        readOnly: true,
        type: { name: 'String' },
      },
      provisioningState: property('provisioningState', 'String'),
      displayName: property('displayName', 'String'),
      discoveredVia: property('discoveredVia', 'String'),
      baseUrl: property('baseUrl', 'String'),
      numberOfApiEndpoints: property('numberOfApiEndpoints', 'Number'),
      numberOfInactiveApiEndpoints: property(
        'numberOfInactiveApiEndpoints',
        'Number',
      ),
      numberOfUnauthenticatedApiEndpoints: property(
        'numberOfUnauthenticatedApiEndpoints',
        'Number',
      ),
      numberOfExternalApiEndpoints: property(
        'numberOfExternalApiEndpoints',
        'Number',
      ),
      numberOfApiEndpointsWithSensitiveDataExposed: property(
        'numberOfApiEndpointsWithSensitiveDataExposed',
        'Number',
      ),
      sensitivityLabel: property('sensitivityLabel', 'String'),
    },
  },
};

const ApiCollectionListMapper: coreClient.CompositeMapper = {
  type: {
    name: 'Composite',
    className: 'ApiCollectionList',
    modelProperties: {
      value: {
        serializedName: 'value',
        type: {
          name: 'Sequence',
          element: { type: { name: 'Composite', className: 'ApiCollection' } },
        },
      },
      nextLink: { serializedName: 'nextLink', type: { name: 'String' } },
    },
  },
};

const serializer = coreClient.createSerializer(
  {
    ApiCollection: ApiCollectionMapper,
    ApiCollectionList: ApiCollectionListMapper,
    CloudError: CloudErrorMapper,
  },
  false,
);

const host = hostParam;
const subscriptionId = subscriptionIdParam;
const resourceGroupName = urlParam('resourceGroupName');
const serviceName = urlParam('serviceName');
const apiId = urlParam('apiId');
const nextLink = urlParam('nextLink', 'nextLink', true);
const apiVersion = apiVersionParam(API_VERSION);
const accept = acceptJson;

const COLLECTION_PATH =
  '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ApiManagement/service/{serviceName}/providers/Microsoft.Security/apiCollections/{apiId}';

const getSpec: coreClient.OperationSpec = {
  path: COLLECTION_PATH,
  httpMethod: 'GET',
  responses: {
    200: { bodyMapper: ApiCollectionMapper },
    default: { bodyMapper: CloudErrorMapper },
  },
  queryParameters: [apiVersion],
  urlParameters: [host, subscriptionId, resourceGroupName, serviceName, apiId],
  headerParameters: [accept],
  serializer,
};

const onboardSpec: coreClient.OperationSpec = {
  path: COLLECTION_PATH,
  httpMethod: 'PUT',
  responses: {
    200: { bodyMapper: ApiCollectionMapper },
    201: { bodyMapper: ApiCollectionMapper },
    202: { bodyMapper: ApiCollectionMapper },
    204: { bodyMapper: ApiCollectionMapper },
    default: { bodyMapper: CloudErrorMapper },
  },
  queryParameters: [apiVersion],
  urlParameters: [host, subscriptionId, resourceGroupName, serviceName, apiId],
  headerParameters: [accept],
  serializer,
};

/** Offboarding: ARM answers 200 when it removed the collection, 204 when there was none. */
const offboardSpec: coreClient.OperationSpec = {
  path: COLLECTION_PATH,
  httpMethod: 'DELETE',
  responses: {
    200: {},
    204: {},
    default: { bodyMapper: CloudErrorMapper },
  },
  queryParameters: [apiVersion],
  urlParameters: [host, subscriptionId, resourceGroupName, serviceName, apiId],
  headerParameters: [accept],
  serializer,
};

const listBySubscriptionSpec: coreClient.OperationSpec = {
  path: '/subscriptions/{subscriptionId}/providers/Microsoft.Security/apiCollections',
  httpMethod: 'GET',
  responses: {
    200: { bodyMapper: ApiCollectionListMapper },
    default: { bodyMapper: CloudErrorMapper },
  },
  queryParameters: [apiVersion],
  urlParameters: [host, subscriptionId],
  headerParameters: [accept],
  serializer,
};

const listNextSpec: coreClient.OperationSpec = {
  path: '{nextLink}',
  httpMethod: 'GET',
  responses: {
    200: { bodyMapper: ApiCollectionListMapper },
    default: { bodyMapper: CloudErrorMapper },
  },
  urlParameters: [host, nextLink],
  headerParameters: [accept],
  serializer,
};

/** Identifies the APIM API whose collection an operation is about. */
export interface ApiCollectionTarget {
  resourceGroupName: string;
  serviceName: string;
  apiId: string;
}

/** Operations on API collections of one subscription, over a `SecurityCenter` client. */
export class ApiCollectionsOperations {
  constructor(private readonly client: SecurityCenter) {}

  /** The collection of one API; rejects with a 404 `RestError` when it is not onboarded. */
  get(
    target: ApiCollectionTarget,
    options?: coreClient.OperationOptions,
  ): Promise<ApiCollection> {
    return this.client.sendOperationRequest(
      { ...this.args(target), options },
      getSpec,
    );
  }

  /** Every collection of the subscription, following `nextLink`. */
  async listBySubscription(
    options?: coreClient.OperationOptions,
  ): Promise<ApiCollection[]> {
    const items: ApiCollection[] = [];
    let page: { value?: ApiCollection[]; nextLink?: string } =
      await this.client.sendOperationRequest(
        {
          subscriptionId: this.client.subscriptionId,
          $host: this.client.$host,
          options,
        },
        listBySubscriptionSpec,
      );
    items.push(...(page.value ?? []));
    while (page.nextLink) {
      page = await this.client.sendOperationRequest(
        { nextLink: page.nextLink, $host: this.client.$host, options },
        listNextSpec,
      );
      items.push(...(page.value ?? []));
    }
    return items;
  }

  /**
   * Starts onboarding the API (PUT) and returns the SDK's poller; `pollUntilDone()` resolves
   * with the collection once ARM reports success and rejects with Azure's error otherwise.
   */
  async beginOnboard(
    target: ApiCollectionTarget,
    options?: coreClient.OperationOptions & { updateIntervalInMs?: number },
  ): Promise<SimplePollerLike<OperationState<ApiCollection>, ApiCollection>> {
    const sendOperationFn = async (
      args: coreClient.OperationArguments,
      spec: coreClient.OperationSpec,
    ) => {
      let rawResponse: coreClient.FullOperationResponse | undefined;
      const flatResponse =
        await this.client.sendOperationRequest<ApiCollection>(
          {
            ...args,
            options: {
              ...args.options,
              onResponse: response => {
                rawResponse = response;
              },
            },
          },
          spec,
        );
      return {
        flatResponse,
        rawResponse: {
          statusCode: rawResponse!.status,
          body: rawResponse!.parsedBody,
          headers: rawResponse!.headers.toJSON(),
        },
      };
    };
    const args = { ...this.args(target), options };
    const poller = await createHttpPoller<
      ApiCollection,
      OperationState<ApiCollection>
    >(
      {
        requestMethod: onboardSpec.httpMethod,
        requestPath: onboardSpec.path,
        sendInitialRequest: () => sendOperationFn(args, onboardSpec),
        // Polls go to ARM's Location URL through the same client and pipeline.
        sendPollRequest: (
          path: string,
          pollOptions?: { abortSignal?: AbortSignalLike },
        ) =>
          sendOperationFn(
            {
              ...args,
              options: {
                ...options,
                abortSignal: pollOptions?.abortSignal ?? options?.abortSignal,
              },
            },
            { ...onboardSpec, httpMethod: 'GET', path },
          ),
      },
      {
        intervalInMs: options?.updateIntervalInMs,
        resourceLocationConfig: 'location',
      },
    );
    await poller.poll();
    return poller;
  }

  /**
   * Offboards the API (DELETE of its collection; not a long-running operation): resolves
   * whether or not it was onboarded, rejects with Azure's error otherwise.
   */
  async offboard(
    target: ApiCollectionTarget,
    options?: coreClient.OperationOptions,
  ): Promise<void> {
    await this.client.sendOperationRequest(
      { ...this.args(target), options },
      offboardSpec,
    );
  }

  private args(target: ApiCollectionTarget) {
    return {
      $host: this.client.$host,
      subscriptionId: this.client.subscriptionId,
      resourceGroupName: target.resourceGroupName,
      serviceName: target.serviceName,
      apiId: target.apiId,
    };
  }
}
