import { CompoundEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import {
  ApiEndpointList,
  ApiPosture,
  OnboardingBatch,
  PostureAccess,
  PostureList,
  PostureListQuery,
  PostureSummary,
  PostureSummaryQuery,
} from '../types';
import { ShadowApiList, ShadowApiQuery } from '../shadowApis';
import {
  ApiPostureHistory,
  PostureHistory,
  PostureHistoryQuery,
} from '../history';
import { DefenderApisApi, DefenderApisRequestOptions } from './DefenderApisApi';

/** The backend's plugin id, which discovery resolves to its base URL. */
const PLUGIN_ID = 'defender-apis';

/**
 * Query parameters of a request: undefined values and empty strings are left out, a list
 * becomes one parameter per value (`status=atRisk&status=error`).
 */
type QueryParams = Record<
  string,
  string | number | boolean | readonly string[] | undefined
>;

/** The filters lists and history share, as query parameters. */
function listFilters(query: PostureHistoryQuery): QueryParams {
  return {
    owner: query.owner,
    system: query.system,
    domain: query.domain,
    lifecycle: query.lifecycle,
    status: query.status,
    coverage: query.coverage,
    q: query.q,
  };
}

/**
 * {@link DefenderApisApi} over the backend's HTTP routes. Runs in the browser (with the
 * app's `discoveryApi` and `fetchApi`) and in Node (with the backend's discovery service and
 * a `token` per request), like Backstage's catalog client.
 *
 * @public
 */
export class DefenderApisClient implements DefenderApisApi {
  private readonly discoveryApi: {
    getBaseUrl(pluginId: string): Promise<string>;
  };
  private readonly fetchApi: { fetch: typeof fetch };

  constructor(options: {
    discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
    fetchApi?: { fetch: typeof fetch };
  }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi ?? { fetch: (...args) => fetch(...args) };
  }

  /** {@inheritDoc DefenderApisApi.getPosture} */
  getPosture(
    entity: CompoundEntityRef,
    options?: DefenderApisRequestOptions,
  ): Promise<ApiPosture> {
    return this.request(
      'GET',
      ['posture', entity.kind, entity.namespace, entity.name],
      options,
    );
  }

  /** {@inheritDoc DefenderApisApi.getPostureAccess} */
  getPostureAccess(
    entity: CompoundEntityRef,
    options?: DefenderApisRequestOptions,
  ): Promise<PostureAccess> {
    return this.request(
      'GET',
      ['posture', entity.kind, entity.namespace, entity.name, 'access'],
      options,
    );
  }

  /** {@inheritDoc DefenderApisApi.onboard} */
  onboard(
    entity: CompoundEntityRef,
    options?: DefenderApisRequestOptions,
  ): Promise<ApiPosture> {
    return this.request(
      'POST',
      ['posture', entity.kind, entity.namespace, entity.name, 'onboard'],
      options,
    );
  }

  /** {@inheritDoc DefenderApisApi.getEndpoints} */
  getEndpoints(
    entity: CompoundEntityRef,
    options?: DefenderApisRequestOptions,
  ): Promise<ApiEndpointList> {
    return this.request(
      'GET',
      ['posture', entity.kind, entity.namespace, entity.name, 'endpoints'],
      options,
    );
  }

  /** {@inheritDoc DefenderApisApi.offboard} */
  offboard(
    entity: CompoundEntityRef,
    options?: DefenderApisRequestOptions,
  ): Promise<ApiPosture> {
    return this.request(
      'DELETE',
      ['posture', entity.kind, entity.namespace, entity.name, 'onboard'],
      options,
    );
  }

  /** {@inheritDoc DefenderApisApi.listPostures} */
  listPostures(
    query: PostureListQuery = {},
    options?: DefenderApisRequestOptions,
  ): Promise<PostureList> {
    return this.request('GET', ['posture'], options, {
      query: {
        ...listFilters(query),
        onAttackPath: query.onAttackPath,
        sort: query.sort,
        order: query.order,
        cursor: query.cursor,
        offset: query.offset,
        limit: query.limit,
      },
    });
  }

  /** {@inheritDoc DefenderApisApi.getSummary} */
  getSummary(
    query: PostureSummaryQuery = {},
    options?: DefenderApisRequestOptions,
  ): Promise<PostureSummary> {
    return this.request('GET', ['summary'], options, {
      query: { owner: query.owner, system: query.system, domain: query.domain },
    });
  }

  /** {@inheritDoc DefenderApisApi.getHistory} */
  getHistory(
    query: PostureHistoryQuery = {},
    options?: DefenderApisRequestOptions,
  ): Promise<PostureHistory> {
    return this.request('GET', ['history'], options, {
      query: {
        ...listFilters(query),
        from: query.from,
        to: query.to,
      },
    });
  }

  /** {@inheritDoc DefenderApisApi.getApiHistory} */
  getApiHistory(
    entity: CompoundEntityRef,
    range: Pick<PostureHistoryQuery, 'from' | 'to'> = {},
    options?: DefenderApisRequestOptions,
  ): Promise<ApiPostureHistory> {
    return this.request(
      'GET',
      ['history', entity.kind, entity.namespace, entity.name],
      options,
      { query: { from: range.from, to: range.to } },
    );
  }

  /** {@inheritDoc DefenderApisApi.listShadowApis} */
  listShadowApis(
    query: ShadowApiQuery = {},
    options?: DefenderApisRequestOptions,
  ): Promise<ShadowApiList> {
    return this.request('GET', ['shadow-apis'], options, {
      query: {
        service: query.service,
        subscription: query.subscription,
        onboarded: query.onboarded,
        applicable: query.applicable,
        q: query.q,
        sort: query.sort,
        order: query.order,
        cursor: query.cursor,
        offset: query.offset,
        limit: query.limit,
      },
    });
  }

  /** {@inheritDoc DefenderApisApi.onboardBatch} */
  onboardBatch(
    entityRefs: string[],
    options?: DefenderApisRequestOptions,
  ): Promise<OnboardingBatch> {
    return this.request('POST', ['onboard'], options, {
      body: { entityRefs },
    });
  }

  /** {@inheritDoc DefenderApisApi.getOnboardingBatch} */
  getOnboardingBatch(
    id: string,
    options?: DefenderApisRequestOptions,
  ): Promise<OnboardingBatch> {
    return this.request('GET', ['onboard', 'batches', id], options);
  }

  /** {@inheritDoc DefenderApisApi.cancelOnboardingBatch} */
  cancelOnboardingBatch(
    id: string,
    options?: DefenderApisRequestOptions,
  ): Promise<OnboardingBatch> {
    return this.request('DELETE', ['onboard', 'batches', id], options);
  }

  /**
   * The one place that builds URLs: every path segment is encoded, and query parameters go
   * through `URLSearchParams`. A failed request throws a `ResponseError` carrying the
   * backend's error body.
   */
  private async request<T>(
    method: string,
    segments: string[],
    options: DefenderApisRequestOptions | undefined,
    content: { query?: QueryParams; body?: unknown } = {},
  ): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl(PLUGIN_ID);
    const path = segments.map(s => encodeURIComponent(s)).join('/');
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(content.query ?? {})) {
      const values = Array.isArray(value) ? value : [value];
      for (const v of values) {
        if (v !== undefined && v !== '') params.append(key, String(v));
      }
    }
    const search = params.toString();
    const headers: Record<string, string> = {};
    if (options?.token) headers.Authorization = `Bearer ${options.token}`;
    if (content.body !== undefined)
      headers['Content-Type'] = 'application/json';
    const init: RequestInit = { method };
    if (Object.keys(headers).length > 0) init.headers = headers;
    if (content.body !== undefined) init.body = JSON.stringify(content.body);
    const response = await this.fetchApi.fetch(
      `${baseUrl}/${path}${search ? `?${search}` : ''}`,
      init,
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
