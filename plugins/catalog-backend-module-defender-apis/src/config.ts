import { Config, readDurationFromConfig } from '@backstage/config';
import { parseEntityRef } from '@backstage/catalog-model';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';

const KEY = 'defenderApis.shadowApiEntities';
const DEFAULT_FREQUENCY: HumanDuration = { minutes: 30 };

/**
 * What `defenderApis.shadowApiEntities` asks for, when enabled.
 *
 * @public
 */
export interface ShadowApiEntitiesSettings {
  /** Service names, lower-cased. */
  services: string[];
  /** The owner's full entity ref. */
  owner: string;
  /** `spec.lifecycle` of the entities. */
  lifecycle: string;
  /** Namespace of the entities. */
  namespace: string;
  /** How often the shadow APIs are read again. */
  frequency: HumanDuration;
}

function invalid(key: string, expected: string, found: unknown): Error {
  return new Error(
    `Invalid configuration at ${KEY}.${key}: expected ${expected}, found ${JSON.stringify(
      found,
    )}`,
  );
}

/**
 * Reads `defenderApis.shadowApiEntities`; undefined when it is absent or not enabled. An
 * enabled configuration without services or owner stops the backend with what is missing.
 */
export function readShadowApiEntitiesConfig(
  root: Config,
): ShadowApiEntitiesSettings | undefined {
  const config = root.getOptionalConfig(KEY);
  if (!config?.getOptionalBoolean('enabled')) return undefined;
  const services = config.getOptionalStringArray('services') ?? [];
  if (services.length === 0 || services.some(s => !s.trim())) {
    throw invalid(
      'services',
      'at least one API Management service name',
      config.getOptional('services') ?? null,
    );
  }
  const ownerText = config.getOptionalString('owner');
  let owner: string;
  try {
    const ref = parseEntityRef(ownerText ?? '', { defaultKind: 'group' });
    owner = `${ref.kind}:${ref.namespace}/${ref.name}`.toLowerCase();
  } catch {
    throw invalid(
      'owner',
      'the entity ref of the owning group or user, e.g. group:default/platform',
      ownerText ?? null,
    );
  }
  const frequency = config.has('frequency')
    ? readDurationFromConfig(config, { key: 'frequency' })
    : DEFAULT_FREQUENCY;
  if (durationToMilliseconds(frequency) < 60_000) {
    throw invalid(
      'frequency',
      'a duration of at least 1 minute, e.g. 30m',
      config.getOptional('frequency'),
    );
  }
  return {
    services: services.map(s => s.trim().toLowerCase()),
    owner,
    lifecycle: config.getOptionalString('lifecycle') ?? 'production',
    namespace: config.getOptionalString('namespace') ?? 'default',
    frequency,
  };
}
