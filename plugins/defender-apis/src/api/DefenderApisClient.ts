import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import { ApiPosture } from '@defender-apis/plugin-defender-apis-common';
import { DefenderApisApi } from './DefenderApisApi';

/**
 * {@link DefenderApisApi} over the backend's HTTP routes, authenticated by `fetchApi`.
 *
 * @public
 */
export class DefenderApisClient implements DefenderApisApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  getPosture(entity: CompoundEntityRef): Promise<ApiPosture> {
    return this.request('GET', ['posture', entity.kind, entity.namespace, entity.name]);
  }

  onboard(entity: CompoundEntityRef): Promise<ApiPosture> {
    return this.request('POST', [
      'posture',
      entity.kind,
      entity.namespace,
      entity.name,
      'onboard',
    ]);
  }

  /** The one place that builds URLs: every path segment is encoded. */
  private async request<T>(method: string, segments: string[]): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('defender-apis');
    const path = segments.map(s => encodeURIComponent(s)).join('/');
    const response = await this.fetchApi.fetch(`${baseUrl}/${path}`, { method });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
