/**
 * What Defender for Cloud's unhealthy assessments say of one API: its recommendations (any
 * assessment key: Microsoft retires and re-keys recommendations, so a key never decides
 * whether one is shown) and its endpoints with findings (which operations each is on, and the
 * kind of finding where the recommendation says it).
 */
import {
  EndpointFinding,
  EndpointFindingKind,
  MAX_ENDPOINT_FINDINGS,
  PostureRecommendation,
} from '@defender-apis/plugin-defender-apis-common';
import { AzureAssessment } from './azureResources';

/**
 * Recommendations whose key is known to mean one kind of endpoint finding. They only add
 * precision: any other key is shown as it comes, and its title may still say the kind.
 */
const KIND_BY_KEY: Readonly<Record<string, EndpointFindingKind>> = {
  // API endpoints in Azure API Management should be authenticated
  '91af2040-7874-4659-abf0-578e1f8d07dc': 'unauthenticated',
  // API endpoints that are unused should be disabled and removed from the Azure API Management service
  '4e8c00a2-e8bc-42a8-9e12-99584a51ad10': 'unused',
};

/** Words in a recommendation's title that name a kind of finding, for keys not known. */
const KIND_BY_TITLE: ReadonlyArray<[RegExp, EndpointFindingKind]> = [
  [/\bauthenticat/i, 'unauthenticated'],
  [/\b(unused|inactive)\b/i, 'unused'],
  [/\bexternal\b/i, 'external'],
  [/\bsensitive\b/i, 'sensitiveData'],
];

/** Longer operation ids are not API Management's (80 at most) and are ignored. */
const MAX_OPERATION_ID_LENGTH = 256;

/** The order kinds are listed in. */
const KIND_ORDER: readonly EndpointFindingKind[] = [
  'unauthenticated',
  'unused',
  'external',
  'sensitiveData',
];

/** The kind of endpoint finding an assessment is, when its key or title says. */
export function findingKindOf(
  assessment: Pick<AzureAssessment, 'key' | 'displayName'>,
): EndpointFindingKind | undefined {
  const known = KIND_BY_KEY[assessment.key.toLowerCase()];
  if (known) return known;
  return KIND_BY_TITLE.find(([words]) =>
    words.test(assessment.displayName),
  )?.[1];
}

/**
 * The operation id an assessed resource id names below the API (`{api}/operations/{op}`), or
 * undefined when it is the API itself or anything else. Ids compare case-insensitively.
 */
export function operationIdOf(
  resourceId: string,
  apiResourceId: string,
): string | undefined {
  const prefix = `${apiResourceId.toLowerCase()}/operations/`;
  if (!resourceId.toLowerCase().startsWith(prefix)) return undefined;
  const rest = resourceId.slice(prefix.length);
  // API Management's operation ids are at most 80 characters; Azure text is not trusted.
  return rest && !rest.includes('/') && rest.length <= MAX_OPERATION_ID_LENGTH
    ? rest
    : undefined;
}

function isOnApi(resourceId: string, apiResourceId: string): boolean {
  return resourceId.toLowerCase() === apiResourceId.toLowerCase();
}

/** An API's recommendations and endpoints with findings. */
export interface ApiFindings {
  recommendations: PostureRecommendation[];
  /** Sorted by operation id; at most {@link MAX_ENDPOINT_FINDINGS}. */
  endpointFindings: EndpointFinding[];
  /** All endpoints with findings. */
  endpointFindingsTotal: number;
}

/**
 * The unhealthy assessments on the API or its operations, as one recommendation per key (with
 * the endpoints it is on) and one finding per endpoint (with the kinds and keys on it).
 */
export function findingsOfApi(
  assessments: readonly AzureAssessment[],
  apiResourceId: string,
): ApiFindings {
  const byKey = new Map<
    string,
    { recommendation: PostureRecommendation; endpoints: Set<string> }
  >();
  const byOperation = new Map<
    string,
    { operationId: string; kinds: Set<EndpointFindingKind>; keys: Set<string> }
  >();
  for (const a of assessments) {
    if (a.statusCode.toLowerCase() !== 'unhealthy') continue;
    const operationId = operationIdOf(a.resourceId, apiResourceId);
    const onApi = isOnApi(a.resourceId, apiResourceId);
    if (!operationId && !onApi) continue;
    const key = a.key.toLowerCase();
    let entry = byKey.get(key);
    if (entry) {
      entry.recommendation.affectedResources =
        (entry.recommendation.affectedResources ?? 1) + 1;
    } else {
      entry = {
        recommendation: {
          key: a.key,
          displayName: a.displayName,
          resourceId: a.resourceId,
          affectedResources: 1,
          ...(a.severity ? { severity: a.severity } : {}),
          ...(a.url ? { url: a.url } : {}),
          ...(a.description ? { description: a.description } : {}),
          ...(a.remediation ? { remediation: a.remediation } : {}),
        },
        endpoints: new Set(),
      };
      byKey.set(key, entry);
    }
    if (onApi) {
      entry.recommendation.onApi = true;
      continue;
    }
    entry.endpoints.add(operationId!);
    let operation = byOperation.get(operationId!.toLowerCase());
    if (!operation) {
      operation = {
        operationId: operationId!,
        kinds: new Set(),
        keys: new Set(),
      };
      byOperation.set(operationId!.toLowerCase(), operation);
    }
    const kind = findingKindOf(a);
    if (kind) operation.kinds.add(kind);
    operation.keys.add(a.key);
  }
  return {
    recommendations: [...byKey.values()].map(({ recommendation, endpoints }) =>
      endpoints.size > 0
        ? {
            ...recommendation,
            endpoints: [...endpoints].sort().slice(0, MAX_ENDPOINT_FINDINGS),
          }
        : recommendation,
    ),
    endpointFindings: [...byOperation.values()]
      .sort((a, b) => (a.operationId < b.operationId ? -1 : 1))
      .slice(0, MAX_ENDPOINT_FINDINGS)
      .map(({ operationId, kinds, keys }) => ({
        operationId,
        findings: KIND_ORDER.filter(kind => kinds.has(kind)),
        recommendationKeys: [...keys].sort(),
      })),
    endpointFindingsTotal: byOperation.size,
  };
}
