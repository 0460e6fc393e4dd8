import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import {
  ApiPosture,
  OnboardingBatch,
  PostureList,
  PostureSummary,
  PostureSummaryQuery,
} from '@defender-apis/plugin-defender-apis-common';
import { DefenderApisApi, PostureListQuery } from './DefenderApisApi';

/**
 * Query parameters of a request: undefined values and empty strings are left out, a list
 * becomes one parameter per value (`status=atRisk&status=error`).
 */
type QueryParams = Record<
  string,
  string | number | readonly string[] | undefined
>;

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

  /** {@inheritDoc DefenderApisApi.getPosture} */
  getPosture(entity: CompoundEntityRef): Promise<ApiPosture> {
    return this.request('GET', [
      'posture',
      entity.kind,
      entity.namespace,
      entity.name,
    ]);
  }

  /** {@inheritDoc DefenderApisApi.onboard} */
  onboard(entity: CompoundEntityRef): Promise<ApiPosture> {
    return this.request('POST', [
      'posture',
      entity.kind,
      entity.namespace,
      entity.name,
      'onboard',
    ]);
  }

  /** {@inheritDoc DefenderApisApi.listPostures} */
  listPostures(query: PostureListQuery = {}): Promise<PostureList> {
    return this.request('GET', ['posture'], {
      owner: query.owner,
      system: query.system,
      domain: query.domain,
      lifecycle: query.lifecycle,
      status: query.status,
      q: query.q,
      sort: query.sort,
      order: query.order,
      cursor: query.cursor,
      offset: query.offset,
      limit: query.limit,
    });
  }

  /** {@inheritDoc DefenderApisApi.getSummary} */
  getSummary(query: PostureSummaryQuery = {}): Promise<PostureSummary> {
    return this.request('GET', ['summary'], {
      owner: query.owner,
      system: query.system,
      domain: query.domain,
    });
  }

  /** {@inheritDoc DefenderApisApi.onboardBatch} */
  onboardBatch(entityRefs: string[]): Promise<OnboardingBatch> {
    return this.request('POST', ['onboard'], {}, { entityRefs });
  }

  /** {@inheritDoc DefenderApisApi.getOnboardingBatch} */
  getOnboardingBatch(id: string): Promise<OnboardingBatch> {
    return this.request('GET', ['onboard', 'batches', id]);
  }

  /** {@inheritDoc DefenderApisApi.cancelOnboardingBatch} */
  cancelOnboardingBatch(id: string): Promise<OnboardingBatch> {
    return this.request('DELETE', ['onboard', 'batches', id]);
  }

  /**
   * The one place that builds URLs: every path segment is encoded, and query parameters go
   * through `URLSearchParams`.
   */
  private async request<T>(
    method: string,
    segments: string[],
    query: QueryParams = {},
    body?: unknown,
  ): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('defender-apis');
    const path = segments.map(s => encodeURIComponent(s)).join('/');
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      const values = Array.isArray(value) ? value : [value];
      for (const v of values) {
        if (v !== undefined && v !== '') params.append(key, String(v));
      }
    }
    const search = params.toString();
    const url = `${baseUrl}/${path}${search ? `?${search}` : ''}`;
    const response = await this.fetchApi.fetch(
      url,
      body === undefined
        ? { method }
        : {
            method,
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify(body),
          },
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
