import { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  COVERAGE_KINDS,
  CoverageKind,
  MAX_ONBOARDING_BATCH,
  POSTURE_SORT_FIELDS,
  POSTURE_STATUSES,
  PostureSortField,
  PostureAccess,
  PostureStatus,
  SHADOW_API_SORT_FIELDS,
  ShadowApiSortField,
} from '@defender-apis/plugin-defender-apis-common';
import { ResolvedShadowApiQuery } from './model/shadowApis';
import { ShadowApiService } from './services/ShadowApiService';
import {
  ResolvedListQuery,
  selectedStatuses,
  SummaryScope,
} from './model/postureQuery';
import {
  apiEntityRefFromParts,
  apiEntityRefFromString,
} from './model/apiEntityRef';
import express from 'express';
import Router from 'express-promise-router';
import { OnboardingRequests } from './services/OnboardingRequests';
import { OffboardingRequests } from './services/OffboardingRequests';
import { EndpointService } from './services/EndpointService';
import { OnboardAccess } from './permissions/OnboardAccess';
import { PostureService } from './services/PostureService';
import { RefreshHealth } from './services/RefreshHealth';
import { HistoryService } from './services/HistoryService';
import { historyRangeFrom, ResolvedHistoryQuery } from './model/historyQuery';

/** Options of {@link createRouter}: what of each service the routes use. */
export interface RouterOptions {
  httpAuth: HttpAuthService;
  postures: Pick<
    PostureService,
    'getEntityPosture' | 'getEntity' | 'listPostures' | 'summary'
  >;
  onboarding: Pick<
    OnboardingRequests,
    'request' | 'requestBatch' | 'getBatch' | 'cancelBatch'
  >;
  offboarding: Pick<OffboardingRequests, 'offboard'>;
  access: Pick<OnboardAccess, 'decide' | 'decideActions'>;
  /** How this replica's scheduled refreshes went; `GET /health` reports it. */
  refreshHealth?: Pick<RefreshHealth, 'report'>;
  /** Serves `GET /posture/:kind/:namespace/:name/endpoints`; without it the route answers 404. */
  endpoints?: Pick<EndpointService, 'list'>;
  /** Serves `GET /shadow-apis`; without it the route answers 404. */
  shadowApis?: Pick<ShadowApiService, 'list'>;
  /** Serves `GET /history` and `GET /history/:kind/:namespace/:name`; without it they answer 404. */
  history?: Pick<
    HistoryService,
    'catalogHistory' | 'apiHistory' | 'today' | 'retentionDays'
  >;
}

const MAX_PAGE = 500;
const MAX_FILTER_VALUES = 50;
const MAX_FILTER_LENGTH = 255;
/**
 * A cursor holds the last item's sort value and key, each up to 1,024 characters, in base64:
 * room for both.
 */
const MAX_CURSOR_LENGTH = 4096;

function intParam(
  value: unknown,
  name: string,
  fallback: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  // Digits only: Number() would also take '', ' ', '0x10', '1e2' and '-0'.
  const n =
    typeof value === 'string' && /^[0-9]+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n > max) {
    throw new InputError(
      `Invalid query parameter ${name}: expected a whole number from 0 to ${max}, found "${String(
        value,
      )}"`,
    );
  }
  return n;
}

/** A repeatable query parameter: each value a string, at most 50 of them. */
function listParam(
  value: unknown,
  name: string,
  allowed?: readonly string[],
): string[] | undefined {
  if (value === undefined) return undefined;
  const values = Array.isArray(value) ? value : [value];
  const bad = values.find(
    v =>
      typeof v !== 'string' ||
      v.length === 0 ||
      v.length > MAX_FILTER_LENGTH ||
      (allowed && !allowed.includes(v)),
  );
  if (bad !== undefined || values.length > MAX_FILTER_VALUES) {
    const expected = allowed
      ? `one of ${allowed.join(', ')}`
      : `a non-empty text of at most ${MAX_FILTER_LENGTH} characters`;
    const found =
      bad !== undefined
        ? JSON.stringify(bad).slice(0, 100)
        : `${values.length} values`;
    throw new InputError(
      `Invalid query parameter ${name}: expected ${expected} (repeatable, at most ${MAX_FILTER_VALUES} times), found ${found}`,
    );
  }
  return values as string[];
}

/**
 * A query parameter given at most once, from a fixed set when `allowed` is given, else of at
 * most `maxLength` characters.
 */
function oneParam<T extends string>(
  value: unknown,
  name: string,
  allowed?: readonly T[],
  maxLength = MAX_FILTER_LENGTH,
): T | undefined {
  if (value === undefined) return undefined;
  if (
    typeof value !== 'string' ||
    value.length > maxLength ||
    (allowed && !allowed.includes(value as T))
  ) {
    const expected = allowed
      ? `one of ${allowed.join(', ')}`
      : `one text of at most ${maxLength} characters`;
    throw new InputError(
      `Invalid query parameter ${name}: expected ${expected}, found ${JSON.stringify(
        value,
      ).slice(0, 100)}`,
    );
  }
  return value as T;
}

/** The owners, systems and domains a list or summary is narrowed to, validated. */
function scopeFrom(query: Record<string, unknown>): SummaryScope {
  return {
    owner: listParam(query.owner, 'owner'),
    system: listParam(query.system, 'system'),
    domain: listParam(query.domain, 'domain'),
  };
}

/**
 * The statuses `status` and `coverage` select together: `coverage` stands for the statuses of
 * its kinds, and with both given an API must match both.
 */
function statusesFrom(
  query: Record<string, unknown>,
): PostureStatus[] | undefined {
  const status = listParam(query.status, 'status', POSTURE_STATUSES) as
    | PostureStatus[]
    | undefined;
  const coverage = listParam(query.coverage, 'coverage', COVERAGE_KINDS) as
    | CoverageKind[]
    | undefined;
  return selectedStatuses(status, coverage);
}

/** Filters, sort and paging of `GET /posture`, validated, with defaults. */
function listQueryFrom(query: Record<string, unknown>): ResolvedListQuery {
  return {
    ...scopeFrom(query),
    lifecycle: listParam(query.lifecycle, 'lifecycle'),
    status: statusesFrom(query),
    q: oneParam(query.q, 'q') || undefined,
    onAttackPath: booleanParam(query.onAttackPath, 'onAttackPath'),
    sort:
      oneParam<PostureSortField>(query.sort, 'sort', POSTURE_SORT_FIELDS) ??
      'name',
    order: oneParam(query.order, 'order', ['asc', 'desc'] as const) ?? 'asc',
    ...pagingFrom(query),
  };
}

/** Filters and range of `GET /history`, validated, with defaults. */
function historyQueryFrom(
  query: Record<string, unknown>,
  history: Pick<HistoryService, 'today' | 'retentionDays'>,
): ResolvedHistoryQuery {
  return {
    ...scopeFrom(query),
    lifecycle: listParam(query.lifecycle, 'lifecycle'),
    status: statusesFrom(query),
    q: oneParam(query.q, 'q') || undefined,
    ...historyRangeFrom(query, history.today(), history.retentionDays),
  };
}

/** `cursor` or `offset`, and `limit`, of a list query, validated, with defaults. */
function pagingFrom(query: Record<string, unknown>): {
  cursor?: string;
  offset: number;
  limit: number;
} {
  const cursor = oneParam(query.cursor, 'cursor', undefined, MAX_CURSOR_LENGTH);
  if (cursor !== undefined && query.offset !== undefined) {
    throw new InputError(
      'Invalid query parameters: give either cursor or offset, not both',
    );
  }
  return {
    cursor,
    offset: intParam(query.offset, 'offset', 0, Number.MAX_SAFE_INTEGER),
    limit: intParam(query.limit, 'limit', 100, MAX_PAGE),
  };
}

/** A query parameter that is `true` or `false`, given at most once. */
function booleanParam(value: unknown, name: string): boolean | undefined {
  const text = oneParam(value, name, ['true', 'false'] as const);
  return text === undefined ? undefined : text === 'true';
}

/** Filters, sort and paging of `GET /shadow-apis`, validated, with defaults. */
function shadowApiQueryFrom(
  query: Record<string, unknown>,
): ResolvedShadowApiQuery {
  return {
    service: listParam(query.service, 'service'),
    subscription: listParam(query.subscription, 'subscription'),
    onboarded: booleanParam(query.onboarded, 'onboarded'),
    applicable: booleanParam(query.applicable, 'applicable'),
    q: oneParam(query.q, 'q') || undefined,
    sort:
      oneParam<ShadowApiSortField>(
        query.sort,
        'sort',
        SHADOW_API_SORT_FIELDS,
      ) ?? 'name',
    order: oneParam(query.order, 'order', ['asc', 'desc'] as const) ?? 'asc',
    ...pagingFrom(query),
  };
}

/** The body of `POST /onboard`: `{ entityRefs }`, 1 to 500 API entity refs, without repeats. */
function batchRefsFrom(body: unknown): string[] {
  const refs = (body as { entityRefs?: unknown } | undefined)?.entityRefs;
  if (
    !Array.isArray(refs) ||
    refs.length === 0 ||
    refs.length > MAX_ONBOARDING_BATCH
  ) {
    const found = Array.isArray(refs)
      ? `${refs.length} refs`
      : JSON.stringify(refs ?? null).slice(0, 100);
    throw new InputError(
      `Invalid body: expected { "entityRefs": [...] } with 1 to ${MAX_ONBOARDING_BATCH} API entity refs, found ${found}`,
    );
  }
  const normalized = refs.map(ref => apiEntityRefFromString(ref, 'entityRefs'));
  return [...new Set(normalized)];
}

const BATCH_ID =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function batchIdFrom(id: string): string {
  if (!BATCH_ID.test(id)) {
    throw new InputError(
      `Invalid batch id in the path: expected the id POST /onboard answered (a UUID), found "${id.slice(
        0,
        100,
      )}"`,
    );
  }
  return id;
}

/** The plugin's HTTP routes; the contract is in docs/contracts.md. */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const {
    httpAuth,
    postures,
    onboarding,
    offboarding,
    access,
    refreshHealth,
    shadowApis,
    endpoints,
    history,
  } = options;
  const router = Router();
  // Up to 500 entity refs: the one body larger than the rest.
  router.post('/onboard', express.json({ limit: '64kb' }), async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const batch = await onboarding.requestBatch(
      batchRefsFrom(req.body),
      credentials,
      req,
    );
    res.status(202).json(batch);
  });
  router.use(express.json({ limit: '16kb' }));

  router.get('/health', (_req, res) => {
    res.json({
      status: 'ok',
      ...(refreshHealth ? { refresh: refreshHealth.report() } : {}),
    });
  });

  router.get('/posture/:kind/:namespace/:name', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const { posture } = await postures.getEntityPosture(
      apiEntityRefFromParts(req.params),
      credentials,
    );
    res.json(posture);
  });

  if (endpoints) {
    // Asked when someone opens the card's endpoint list: it reads API Management's operations.
    router.get(
      '/posture/:kind/:namespace/:name/endpoints',
      async (req, res) => {
        const credentials = await httpAuth.credentials(req, {
          allow: ['user', 'service'],
        });
        res.json(
          await endpoints.list(apiEntityRefFromParts(req.params), credentials),
        );
      },
    );
  }

  // Asked apart from the posture, by a card that shows the Onboard button: a conditional
  // decision costs a request to the permission framework that other views need not pay.
  router.get('/posture/:kind/:namespace/:name/access', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const entityRef = apiEntityRefFromParts(req.params);
    // The decisions need only the caller and the ref: ask for them while the entity is read.
    const [entity, may] = await Promise.all([
      postures.getEntity(entityRef, credentials),
      access.decideActions(entityRef, credentials, [
        'onboard',
        'offboard',
      ] as const),
    ]);
    const answer: PostureAccess = {
      canOnboard: Boolean(may.onboard(entity)),
      canOffboard: Boolean(may.offboard(entity)),
    };
    res.json(answer);
  });

  router.post('/posture/:kind/:namespace/:name/onboard', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const entity = await postures.getEntity(
      apiEntityRefFromParts(req.params),
      credentials,
    );
    const result = await onboarding.request(entity, credentials, req);
    const started = result.started || result.posture.status === 'onboarding';
    res.status(started ? 202 : 200).json(result.posture);
  });

  // Offboarding answers 200 with the posture once done (or when there was nothing to do),
  // 202 while another request runs it.
  router.delete('/posture/:kind/:namespace/:name/onboard', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const entity = await postures.getEntity(
      apiEntityRefFromParts(req.params),
      credentials,
    );
    const result = await offboarding.offboard(entity, credentials, req);
    res.status(result.finished ? 200 : 202).json(result.posture);
  });

  router.get('/posture', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    res.json(
      await postures.listPostures(listQueryFrom(req.query), credentials),
    );
  });

  router.get('/onboard/batches/:id', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    res.json(
      await onboarding.getBatch(batchIdFrom(req.params.id), credentials),
    );
  });

  // DELETE is the contract's form; POST .../cancel is kept for clients of the first release.
  const cancelBatch: express.RequestHandler = async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    res.json(
      await onboarding.cancelBatch(
        batchIdFrom(req.params.id),
        credentials,
        req,
      ),
    );
  };
  router.delete('/onboard/batches/:id', cancelBatch);
  router.post('/onboard/batches/:id/cancel', cancelBatch);

  router.get('/summary', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    res.json(await postures.summary(credentials, scopeFrom(req.query)));
  });

  if (history) {
    router.get('/history', async (req, res) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      res.json(
        await history.catalogHistory(
          historyQueryFrom(req.query, history),
          credentials,
        ),
      );
    });
    router.get('/history/:kind/:namespace/:name', async (req, res) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      res.json(
        await history.apiHistory(
          apiEntityRefFromParts(req.params),
          historyRangeFrom(req.query, history.today(), history.retentionDays),
          credentials,
        ),
      );
    });
  }

  if (shadowApis) {
    router.get('/shadow-apis', async (req, res) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      res.json(
        await shadowApis.list(shadowApiQueryFrom(req.query), credentials),
      );
    });
  }

  // Anything else (another path, or another method on a known path) in Backstage's error shape.
  router.use((req, _res) => {
    throw new NotFoundError(
      `No route ${req.method} ${req.path}: expected GET /health, GET /posture/:kind/:namespace/:name, GET /posture/:kind/:namespace/:name/endpoints, POST or DELETE /posture/:kind/:namespace/:name/onboard, GET /posture, GET /summary, GET /history, GET /history/:kind/:namespace/:name, GET /shadow-apis, POST /onboard, GET or DELETE /onboard/batches/:id`,
    );
  });

  return router;
}
