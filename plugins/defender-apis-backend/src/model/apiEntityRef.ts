import {
  CompoundEntityRef,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { MAX_ENTITY_REF_LENGTH } from './postureQuery';

// Backstage entity name parts: letters, digits and [-_.], at most 253 characters.
const NAME_PART = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,252}$/;

/**
 * The normalized ref of an API entity from its kind, namespace and name as a caller gave them
 * (a route's path, a parsed ref); an InputError names the part that is wrong and where.
 */
export function apiEntityRefFromParts(
  parts: Pick<CompoundEntityRef, 'kind' | 'namespace' | 'name'>,
  where = 'in the path',
): string {
  const { kind, namespace, name } = parts;
  for (const [label, value] of [
    ['kind', kind],
    ['namespace', namespace],
    ['name', name],
  ]) {
    if (!NAME_PART.test(value)) {
      throw new InputError(
        `Invalid ${label} ${where}: expected letters, digits, "-", "_" or "." (at most 253), found "${value.slice(
          0,
          100,
        )}"`,
      );
    }
  }
  if (kind.toLowerCase() !== 'api') {
    throw new InputError(
      `Defender for APIs posture exists for kind API only, found kind "${kind}"`,
    );
  }
  const ref = stringifyEntityRef({ kind, namespace, name });
  if (ref.length > MAX_ENTITY_REF_LENGTH) {
    throw new InputError(
      `Invalid entity ref: expected at most ${MAX_ENTITY_REF_LENGTH} characters, found ${ref.length}`,
    );
  }
  return ref;
}

/**
 * The normalized ref of an API entity from a ref a caller wrote, kind included
 * (`api:default/payments-api`); an InputError names the field it came in.
 */
export function apiEntityRefFromString(ref: unknown, field: string): string {
  let parsed: CompoundEntityRef | undefined;
  try {
    parsed =
      typeof ref === 'string' && ref.length <= 1000
        ? parseEntityRef(ref)
        : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed || parsed.kind.toLowerCase() !== 'api') {
    throw new InputError(
      `Invalid entity ref in ${field}: expected an API entity ref such as api:default/payments-api, found ${JSON.stringify(
        ref,
      ).slice(0, 100)}`,
    );
  }
  return apiEntityRefFromParts(parsed, `in ${field}`);
}
