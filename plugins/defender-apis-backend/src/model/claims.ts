import { ApiPosture } from '@defender-apis/plugin-defender-apis-common';

/**
 * Claims on an APIM API: an annotation is written by whoever writes the entity, so the only
 * claim the backend trusts without configuration is an uncontested one. Entities of different
 * owners naming one API are in conflict with each other; entities of the same owners are not.
 */

/** One entity that names an API, as far as claims go. */
export interface ApiClaim {
  entityRef: string;
  /** The entity's owner refs. */
  owners: readonly string[];
}

/**
 * The key of the APIM API an entity claims: its ARM id lower-cased (ARM ids compare
 * case-insensitively) without a `;rev=N` suffix, so that a claim on one of an API's revisions
 * is a claim on the API and meets the API's other claims.
 */
export function claimedApiKey(resourceId: string): string {
  return resourceId.toLowerCase().replace(/;rev=[0-9]+$/, '');
}

/** How many conflicting entity refs a reason names before it says "and N more". */
const NAMED_IN_REASON = 10;

function ownersKey(owners: readonly string[]): string {
  return [...new Set(owners.map(o => o.toLowerCase()))].sort().join(',');
}

/**
 * For the claims on one API: each entity in conflict, with the refs of the entities of other
 * owners (sorted). Entities not in the map are not in conflict.
 */
export function conflictsAmong(
  claims: readonly ApiClaim[],
): Map<string, string[]> {
  const byOwners = new Map<string, string[]>();
  for (const claim of claims) {
    const key = ownersKey(claim.owners);
    byOwners.set(key, [...(byOwners.get(key) ?? []), claim.entityRef]);
  }
  const conflicts = new Map<string, string[]>();
  if (byOwners.size < 2) return conflicts;
  for (const [key, refs] of byOwners) {
    const others = [...byOwners]
      .flatMap(([otherKey, otherRefs]) => (otherKey === key ? [] : otherRefs))
      .sort();
    for (const ref of refs) conflicts.set(ref, others);
  }
  return conflicts;
}

/**
 * The reason shown for a conflict, naming the other entities; `unseen` more that the reader may
 * not see are counted, never named.
 */
export function conflictReason(others: readonly string[], unseen = 0): string {
  const named = others.slice(0, NAMED_IN_REASON);
  const parts = named.length > 0 ? [named.join(', ')] : [];
  if (others.length > named.length)
    parts.push(`${others.length - named.length} more`);
  if (unseen > 0)
    parts.push(
      `${unseen} ${unseen === 1 ? 'entity' : 'entities'} you cannot see`,
    );
  return (
    `Entities of other owners also map to this API Management API: ${parts.join(
      ' and ',
    )}. ` +
    'Until only one team maps it (or the service names its allowedOwners in defenderApis.apiManagement.services), ' +
    'no Defender for APIs data is shown for it and it cannot be onboarded.'
  );
}

/**
 * A posture as a reader who may see only some catalog entities reads it: a conflict names the
 * other entities the reader may see and counts the rest, so a posture discloses no entity the
 * catalog hides from its reader.
 */
export function withVisibleConflicts(
  posture: ApiPosture,
  isVisible: (entityRef: string) => boolean,
): ApiPosture {
  const others = posture.conflictWith;
  if (!others?.length) return posture;
  const visible = others.filter(isVisible);
  if (visible.length === others.length) return posture;
  return {
    ...posture,
    conflictWith: visible,
    reason: conflictReason(visible, others.length - visible.length),
  };
}
