import { HttpAuthService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { POSTURE_STATUSES, PostureStatus } from '@defender-apis/plugin-defender-apis-common';
import express from 'express';
import Router from 'express-promise-router';
import { OnboardingService } from '../onboarding/OnboardingService';
import { OnboardAccess } from '../posture/OnboardAccess';
import { PostureService } from '../posture/PostureService';

/** Options of {@link createRouter}: the services the routes use. */
export interface RouterOptions {
  httpAuth: HttpAuthService;
  postures: PostureService;
  onboarding: OnboardingService;
  access: OnboardAccess;
}

// Backstage entity name parts: letters, digits and [-_.], at most 253 characters.
const NAME_PART = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,252}$/;
const MAX_PAGE = 500;

function entityRefFrom(params: Record<string, string>): string {
  const { kind, namespace, name } = params;
  for (const [label, value] of [['kind', kind], ['namespace', namespace], ['name', name]]) {
    if (!NAME_PART.test(value)) {
      throw new InputError(
        `Invalid ${label} in the path: expected letters, digits, "-", "_" or "." (at most 253), found "${value.slice(0, 100)}"`,
      );
    }
  }
  if (kind.toLowerCase() !== 'api') {
    throw new InputError(`Defender for APIs posture exists for kind API only, found kind "${kind}"`);
  }
  return stringifyEntityRef({ kind, namespace, name });
}

function intParam(value: unknown, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  // Digits only: Number() would also take '', ' ', '0x10', '1e2' and '-0'.
  const n = typeof value === 'string' && /^[0-9]+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n > max) {
    throw new InputError(`Invalid query parameter ${name}: expected a whole number from 0 to ${max}, found "${String(value)}"`);
  }
  return n;
}

/** The plugin's HTTP routes; see DESIGN.md for the contract. */
export async function createRouter(options: RouterOptions): Promise<express.Router> {
  const { httpAuth, postures, onboarding, access } = options;
  const router = Router();
  router.use(express.json({ limit: '16kb' }));

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/posture/:kind/:namespace/:name', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const entity = await postures.getEntity(entityRefFrom(req.params), credentials);
    const posture = await postures.getPosture(entity);
    if (credentials.principal.type === 'user') {
      posture.access = {
        canOnboard: await access.canOnboard(entity, credentials),
        owners: (entity.relations ?? []).filter(r => r.type === 'ownedBy').map(r => r.targetRef),
      };
    }
    res.json(posture);
  });

  router.post('/posture/:kind/:namespace/:name/onboard', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const entity = await postures.getEntity(entityRefFrom(req.params), credentials);
    const result = await onboarding.request(entity, credentials, req);
    const started = result.started || result.posture.status === 'onboarding';
    res.status(started ? 202 : 200).json(result.posture);
  });

  router.get('/posture', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const { owner, status } = req.query;
    if (owner !== undefined && typeof owner !== 'string') {
      throw new InputError(`Invalid query parameter owner: expected one entity ref, found "${String(owner)}"`);
    }
    if (status !== undefined && !POSTURE_STATUSES.includes(status as PostureStatus)) {
      throw new InputError(`Invalid query parameter status: expected one of ${POSTURE_STATUSES.join(', ')}, found "${String(status)}"`);
    }
    res.json(
      await postures.listPostures(
        {
          owner,
          status: status as PostureStatus | undefined,
          offset: intParam(req.query.offset, 'offset', 0, Number.MAX_SAFE_INTEGER),
          limit: intParam(req.query.limit, 'limit', 100, MAX_PAGE),
        },
        credentials,
      ),
    );
  });

  router.get('/summary', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json(await postures.summary(credentials));
  });

  // Anything else (another path, or another method on a known path) in Backstage's error shape.
  router.use((req, _res) => {
    throw new NotFoundError(
      `No route ${req.method} ${req.path}: expected GET /health, GET /posture/:kind/:namespace/:name, POST /posture/:kind/:namespace/:name/onboard, GET /posture or GET /summary`,
    );
  });

  return router;
}
