import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  ApiEndpointList,
  ApiPosture,
  MAX_ENDPOINT_FINDINGS,
} from '@defender-apis/plugin-defender-apis-common';
import { DefenderAzureApi } from '../azure/DefenderAzureClient';
import { describeAzureError } from '../azure/describeAzureError';
import { ApimOperation } from '../model/azureResources';
import { serviceKey } from '../model/mapping';
import { SharedReads } from '../util/SharedReads';
import { PostureService } from './PostureService';
import { ServiceDirectory } from './ServiceDirectory';
import { FAILED_READ_TTL_MS } from './PostureRefresher';

/**
 * Operations listed per API at most: API Management has no hard limit, and the card names
 * only the endpoints with findings, at most {@link MAX_ENDPOINT_FINDINGS} of them.
 */
export const MAX_OPERATIONS_READ = 2_000;

/**
 * The endpoints of an entity's API that have findings, with their method and URL template.
 * The findings come from the stored posture (the refresh's assessments); the operations are
 * read from API Management when someone opens the list, in one paged call per API, shared by
 * concurrent callers and reused until the next refresh would have read it again (a failed
 * read for 30 seconds). Nothing is read for an API without findings.
 */
export class EndpointService {
  private readonly operationReads: SharedReads<ApimOperation[]>;

  constructor(
    private readonly options: {
      postures: Pick<PostureService, 'getEntityPosture'>;
      azure: Pick<DefenderAzureApi, 'listOperations'>;
      directory: Pick<ServiceDirectory, 'services'>;
      /** How long a read serves: until the next scheduled refresh. */
      refreshIntervalMs: number;
    },
  ) {
    this.operationReads = new SharedReads(options.refreshIntervalMs, {
      failureTtlMs: FAILED_READ_TTL_MS,
    });
  }

  /** The caller's view: the same visibility as the card (404 for an entity not visible). */
  async list(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<ApiEndpointList> {
    const { posture } = await this.options.postures.getEntityPosture(
      entityRef,
      credentials,
    );
    const findings = posture.endpointFindings ?? [];
    if (!posture.api || findings.length === 0) return { items: [], total: 0 };
    const total = posture.endpointFindingsTotal ?? findings.length;
    let operations: Map<string, ApimOperation>;
    try {
      operations = new Map(
        (await this.operationsOf(posture)).map(o => [
          o.operationId.toLowerCase(),
          o,
        ]),
      );
    } catch (error) {
      return {
        items: findings,
        total,
        operationsError: describeAzureError(
          error,
          `the operations of ${posture.api.apiId}`,
        ),
      };
    }
    return {
      items: findings.map(finding => {
        const operation = operations.get(finding.operationId.toLowerCase());
        return {
          ...finding,
          ...(operation?.displayName
            ? { displayName: operation.displayName }
            : {}),
          ...(operation?.method ? { method: operation.method } : {}),
          ...(operation?.urlTemplate
            ? { urlTemplate: operation.urlTemplate }
            : {}),
        };
      }),
      total,
    };
  }

  private async operationsOf(posture: ApiPosture): Promise<ApimOperation[]> {
    const api = posture.api!;
    const key = serviceKey(api);
    const known = (await this.options.directory.services()).find(
      s => serviceKey(s) === key,
    );
    const service = known ?? {
      subscriptionId: api.subscriptionId,
      resourceGroup: api.resourceGroup,
      name: api.serviceName,
    };
    return this.operationReads.get(`${key}/${api.apiId.toLowerCase()}`, () =>
      this.options.azure.listOperations(
        service,
        api.apiId,
        MAX_OPERATIONS_READ,
      ),
    );
  }
}
