import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  Config,
  ConfigReader,
  readDurationFromConfig,
} from '@backstage/config';
import { HumanDuration } from '@backstage/types';
import { DEFAULT_PLAN_ENTITLEMENTS } from './model/planFit';
import {
  ConfiguredService,
  ConfiguredSubscription,
} from './model/configuredService';
import { NOTICE_KINDS, NoticeKind } from './model/postureNotices';
import { ReadVia } from './model/readVia';

/** Credential settings, see config.d.ts. */
export type CredentialConfig =
  | { type: 'default'; tenantId?: string; clientId?: string }
  | {
      type: 'clientSecret';
      tenantId: string;
      clientId: string;
      clientSecret: string;
    }
  | { type: 'managedIdentity'; clientId?: string }
  | { type: 'emulator' };

const DURATION_UNITS: Array<[keyof HumanDuration, string]> = [
  ['years', 'y'],
  ['months', 'mo'],
  ['weeks', 'w'],
  ['days', 'd'],
  ['hours', 'h'],
  ['minutes', 'm'],
  ['seconds', 's'],
  ['milliseconds', 'ms'],
];

/** A duration as config writes it: `{ minutes: 15 }` is `15m`. */
export function formatDuration(duration: HumanDuration): string {
  return (
    DURATION_UNITS.flatMap(([unit, suffix]) =>
      duration[unit] ? [`${duration[unit]}${suffix}`] : [],
    ).join(' ') || '0s'
  );
}

/** The plugin's configuration, validated and with defaults applied. */
export interface DefenderApisConfig {
  resourceManagerEndpoint: string;
  credential: CredentialConfig;
  requestTimeout: HumanDuration;
  services: ConfiguredService[];
  /** Subscriptions whose APIM services are listed at each refresh and treated as configured. */
  subscriptions: ConfiguredSubscription[];
  refreshFrequency: HumanDuration;
  refreshTimeout: HumanDuration;
  /**
   * APIM services whose API lists (and, as many, Requests metrics) a refresh reads from Azure
   * at most; the others' come from earlier refreshes (`refresh.maxServiceReads`).
   */
  maxServiceReadsPerRefresh: number;
  maxConcurrentOnboardingsPerService: number;
  maxQueuedOnboardingsPerUser: number;
  /** Batches one user may have with operations queued or running (`onboarding.maxOpenBatchesPerUser`). */
  maxOpenBatchesPerUser: number;
  /** Batch operations one user may have queued or running (`onboarding.maxBatchedPerUser`). */
  maxBatchedPerUser: number;
  /** An onboarding still running after this long is marked failed. */
  onboardingTimeout: HumanDuration;
  /** Operations of a batch start at most this often per service. */
  onboardingPace: HumanDuration;
  /** Batches whose operations have all ended are deleted this long after they were requested. */
  batchRetention: HumanDuration;
  /** Monthly API calls per Defender for APIs plan (`P1`..`P5`), defaults with overrides applied. */
  planEntitlements: Record<string, number>;
  /** The kinds of notification sent to owners; none when notifications are off. */
  notificationKinds: ReadonlySet<NoticeKind>;
  /** Owners hear of an API whose data could not be read from Azure for this long. */
  notificationStaleAfter: HumanDuration;
  /** Days of posture history kept, today included. */
  historyDays: number;
  /** Where full refreshes read Defender for Cloud's security data (`azure.readVia`). */
  readVia: ReadVia;
}

/** The most days of history the plugin keeps: ten years of snapshots. */
const MAX_HISTORY_DAYS = 3650;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

function invalid(key: string, expected: string, found: unknown): Error {
  return new Error(
    `Invalid configuration at defenderApis.${key}: expected ${expected}, found ${JSON.stringify(
      found,
    )}`,
  );
}

/** True when the URL points at this machine, the only place the emulator credential may be used. */
export function isLocalEndpoint(endpoint: string): boolean {
  return LOCAL_HOSTS.has(new URL(endpoint).hostname);
}

function readEndpoint(config: Config): string {
  const key = 'azure.resourceManagerEndpoint';
  const value =
    config.getOptionalString(`defenderApis.${key}`) ??
    'https://management.azure.com';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(key, 'an https URL', value);
  }
  if (url.protocol !== 'https:') throw invalid(key, 'an https URL', value);
  return value.replace(/\/+$/, '');
}

function readCredential(config: Config, endpoint: string): CredentialConfig {
  const c = config.getOptionalConfig('defenderApis.azure.credential');
  const type = c?.getOptionalString('type') ?? 'default';
  switch (type) {
    case 'default':
      return {
        type,
        tenantId: c?.getOptionalString('tenantId'),
        clientId: c?.getOptionalString('clientId'),
      };
    case 'clientSecret':
      return {
        type,
        tenantId: c!.getString('tenantId'),
        clientId: c!.getString('clientId'),
        clientSecret: c!.getString('clientSecret'),
      };
    case 'managedIdentity':
      return { type, clientId: c?.getOptionalString('clientId') };
    case 'emulator':
      if (!isLocalEndpoint(endpoint)) {
        throw invalid(
          'azure.credential.type',
          'a real credential (default, clientSecret or managedIdentity) for a non-local endpoint; "emulator" is only allowed with a localhost resourceManagerEndpoint',
          `emulator with ${endpoint}`,
        );
      }
      return { type };
    default:
      throw invalid(
        'azure.credential.type',
        'one of default, clientSecret, managedIdentity, emulator',
        type,
      );
  }
}

/** An owner as config names it (`group:team-a`, `user:default/jo`), as a lower-cased full ref. */
function ownerRef(key: string, value: string): string {
  try {
    const ref = parseEntityRef(value, { defaultNamespace: 'default' });
    if (ref.kind.toLowerCase() === 'group' || ref.kind.toLowerCase() === 'user')
      return stringifyEntityRef(ref).toLowerCase();
  } catch {
    // reported below
  }
  throw invalid(
    key,
    'an entity ref of a group or user, e.g. group:default/team-payments',
    value,
  );
}

/** The subscription, tenant and allowed owners of a `services` or `subscriptions` entry. */
function readSubscriptionScope(
  entry: Config,
  key: string,
): ConfiguredSubscription {
  const subscriptionId = entry.getString('subscriptionId');
  if (!GUID.test(subscriptionId)) {
    throw invalid(
      `${key}.subscriptionId`,
      'a subscription id (a GUID)',
      subscriptionId,
    );
  }
  const tenantId = entry.getOptionalString('tenantId');
  if (tenantId !== undefined && !GUID.test(tenantId)) {
    throw invalid(`${key}.tenantId`, 'a tenant id (a GUID)', tenantId);
  }
  const allowedOwners = entry
    .getOptionalStringArray('allowedOwners')
    ?.map((ref, i) => ownerRef(`${key}.allowedOwners[${i}]`, ref));
  return {
    subscriptionId,
    ...(tenantId ? { tenantId } : {}),
    ...(allowedOwners ? { allowedOwners } : {}),
  };
}

function readServices(config: Config): ConfiguredService[] {
  const entries =
    config.getOptionalConfigArray('defenderApis.apiManagement.services') ?? [];
  return entries.map((entry, index) => ({
    name: entry.getString('name'),
    resourceGroup: entry.getString('resourceGroup'),
    ...readSubscriptionScope(entry, `apiManagement.services[${index}]`),
  }));
}

function readSubscriptions(config: Config): ConfiguredSubscription[] {
  const entries =
    config.getOptionalConfigArray('defenderApis.apiManagement.subscriptions') ??
    [];
  return entries.map((entry, index) =>
    readSubscriptionScope(entry, `apiManagement.subscriptions[${index}]`),
  );
}

function readPositiveInteger(
  config: Config,
  key: string,
  fallback: number,
): number {
  const value = config.getOptionalNumber(`defenderApis.${key}`) ?? fallback;
  if (!Number.isInteger(value) || value < 1)
    throw invalid(key, 'a whole number of at least 1', value);
  return value;
}

/**
 * Reads a duration as the top-most config file states it. Backstage's reader would look
 * through an object into lower files, so `{ seconds: 5 }` over a committed `30m` failed
 * ("got string, wanted object"); the value alone is read instead.
 */
function readDuration(
  config: Config,
  key: string,
  fallback: HumanDuration,
): HumanDuration {
  const path = `defenderApis.${key}`;
  if (!config.has(path)) return fallback;
  const value = config.get(path);
  try {
    return readDurationFromConfig(new ConfigReader({ value }), {
      key: 'value',
    });
  } catch {
    throw invalid(
      key,
      'a duration such as 30m, PT30M or { minutes: 30 }',
      value,
    );
  }
}

/** The plans' entitlements: Microsoft's defaults, each overridable by a whole number of calls. */
function readPlanEntitlements(config: Config): Record<string, number> {
  const key = 'planEntitlements';
  const overrides = config.getOptional(`defenderApis.${key}`);
  if (overrides === undefined) return { ...DEFAULT_PLAN_ENTITLEMENTS };
  if (
    typeof overrides !== 'object' ||
    overrides === null ||
    Array.isArray(overrides)
  ) {
    throw invalid(
      key,
      `an object with monthly API calls per plan (${Object.keys(
        DEFAULT_PLAN_ENTITLEMENTS,
      ).join(', ')})`,
      overrides,
    );
  }
  const result = { ...DEFAULT_PLAN_ENTITLEMENTS };
  for (const [plan, calls] of Object.entries(overrides)) {
    if (!(plan in DEFAULT_PLAN_ENTITLEMENTS)) {
      throw invalid(
        `${key}.${plan}`,
        `one of the plans ${Object.keys(DEFAULT_PLAN_ENTITLEMENTS).join(', ')}`,
        plan,
      );
    }
    if (typeof calls !== 'number' || !Number.isInteger(calls) || calls < 1) {
      throw invalid(
        `${key}.${plan}`,
        'a whole number of API calls per month, at least 1',
        calls,
      );
    }
    result[plan] = calls;
  }
  return result;
}

/** `notifications`: on unless `enabled: false`; each kind on unless switched off. */
function readNotificationKinds(config: Config): Set<NoticeKind> {
  const read = (key: string) => {
    const value = config.getOptional(`defenderApis.notifications.${key}`);
    if (value !== undefined && typeof value !== 'boolean') {
      throw invalid(`notifications.${key}`, 'true or false', value);
    }
    return value !== false;
  };
  if (!read('enabled')) return new Set();
  return new Set(NOTICE_KINDS.filter(kind => read(kind)));
}

/**
 * Reads and validates the `defenderApis` configuration. Throws at start-up with a message
 * naming the bad key, what was expected and what was found.
 */
export function readDefenderApisConfig(config: Config): DefenderApisConfig {
  const resourceManagerEndpoint = readEndpoint(config);
  const max = readPositiveInteger(
    config,
    'onboarding.maxConcurrentPerService',
    1,
  );
  const maxPerUser = readPositiveInteger(
    config,
    'onboarding.maxQueuedPerUser',
    20,
  );
  return {
    resourceManagerEndpoint,
    credential: readCredential(config, resourceManagerEndpoint),
    requestTimeout: readDuration(config, 'azure.requestTimeout', {
      seconds: 60,
    }),
    services: readServices(config),
    subscriptions: readSubscriptions(config),
    refreshFrequency: readDuration(config, 'refresh.frequency', {
      minutes: 30,
    }),
    refreshTimeout: readDuration(config, 'refresh.timeout', { minutes: 10 }),
    maxServiceReadsPerRefresh: readPositiveInteger(
      config,
      'refresh.maxServiceReads',
      20,
    ),
    maxConcurrentOnboardingsPerService: max,
    maxQueuedOnboardingsPerUser: maxPerUser,
    maxOpenBatchesPerUser: readPositiveInteger(
      config,
      'onboarding.maxOpenBatchesPerUser',
      5,
    ),
    maxBatchedPerUser: readPositiveInteger(
      config,
      'onboarding.maxBatchedPerUser',
      2000,
    ),
    notificationKinds: readNotificationKinds(config),
    notificationStaleAfter: readDuration(config, 'notifications.staleAfter', {
      days: 1,
    }),
    onboardingTimeout: readDuration(config, 'onboarding.timeout', {
      minutes: 15,
    }),
    onboardingPace: readDuration(config, 'onboarding.pace', { seconds: 60 }),
    batchRetention: readDuration(config, 'onboarding.batchRetention', {
      days: 30,
    }),
    planEntitlements: readPlanEntitlements(config),
    historyDays: readHistoryDays(config),
    readVia: readReadVia(config),
  };
}

/** `azure.readVia`: `resourceGraph` (the default) or `arm`. */
function readReadVia(config: Config): ReadVia {
  const key = 'azure.readVia';
  const value =
    config.getOptionalString(`defenderApis.${key}`) ?? 'resourceGraph';
  if (value !== 'resourceGraph' && value !== 'arm')
    throw invalid(key, "'resourceGraph' or 'arm'", value);
  return value;
}

/** `history.days`: 1 to {@link MAX_HISTORY_DAYS}, default 90. */
function readHistoryDays(config: Config): number {
  const days = readPositiveInteger(config, 'history.days', 90);
  if (days > MAX_HISTORY_DAYS) {
    throw invalid(
      'history.days',
      `a whole number of days from 1 to ${MAX_HISTORY_DAYS}`,
      days,
    );
  }
  return days;
}
