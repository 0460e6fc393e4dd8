import {
  COVERAGE_KINDS,
  CoverageKind,
  POSTURE_SORT_FIELDS,
  POSTURE_STATUSES,
  PostureSortField,
  PostureStatus,
} from '@defender-apis/plugin-defender-apis-common';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';

/**
 * The zod the actions registry hands to schema builders: its own copy, so the schemas are of
 * the registry's types whichever zod the plugin might resolve.
 */
type Zod = Parameters<
  Parameters<ActionsRegistryService['register']>[0]['schema']['input']
>[0];

/** The longest text a filter takes, as the list route allows. */
const MAX_TEXT = 255;
/** The most values one filter takes, as the list route allows. */
const MAX_VALUES = 50;

/** An API entity ref an agent gives, checked again when parsed. */
export const entityRefInput = (zod: Zod) =>
  zod
    .string()
    .min(1)
    .max(1000)
    .describe('The API entity ref, e.g. api:default/payments-api');

const refsFilter = (zod: Zod, what: string) =>
  zod
    .array(zod.string().min(1).max(MAX_TEXT))
    .max(MAX_VALUES)
    .optional()
    .describe(what);

/** The filters, sort and paging of `list-apis`: the list route's, with a smaller page. */
export const listInput = (zod: Zod) =>
  zod.object({
    owner: refsFilter(
      zod,
      'Owner entity refs; any of them matches, e.g. ["group:default/team-payments"]',
    ),
    system: refsFilter(
      zod,
      'System entity refs, e.g. ["system:default/payments"]',
    ),
    domain: refsFilter(
      zod,
      'Domain entity refs, e.g. ["domain:default/commerce"]',
    ),
    lifecycle: refsFilter(zod, 'Lifecycles, e.g. ["production"]'),
    status: zod
      .array(zod.enum(POSTURE_STATUSES as [PostureStatus, ...PostureStatus[]]))
      .max(POSTURE_STATUSES.length)
      .optional()
      .describe(
        'Posture statuses, e.g. ["atRisk"] for the APIs Defender found at risk',
      ),
    coverage: zod
      .array(zod.enum(COVERAGE_KINDS as [CoverageKind, ...CoverageKind[]]))
      .max(COVERAGE_KINDS.length)
      .optional()
      .describe(
        'Kinds of Defender coverage: threatProtection (Defender for APIs), postureOnly (Defender CSPM posture without threat detection), none; with status, both must hold',
      ),
    q: zod
      .string()
      .max(MAX_TEXT)
      .optional()
      .describe("Text in the entity's name or title"),
    sort: zod
      .enum(POSTURE_SORT_FIELDS as [PostureSortField, ...PostureSortField[]])
      .optional()
      .describe('Default name'),
    order: zod.enum(['asc', 'desc']).optional().describe('Default asc'),
    cursor: zod
      .string()
      .max(MAX_TEXT)
      .optional()
      .describe('nextCursor of the previous answer, for the next page'),
    limit: zod
      .number()
      .int()
      .min(1)
      .max(100)
      .optional()
      .describe('Page size, default 25'),
  });

/**
 * A posture as the routes answer it: the fields an agent reasons on are described, the others
 * (endpoints, alerts, recommendations, plan, onboarding) pass through as they are, since the
 * registry strips what an output schema does not name.
 */
export const postureOutput = (zod: Zod) =>
  zod
    .object({
      entityRef: zod.string(),
      status: zod.enum(POSTURE_STATUSES as [PostureStatus, ...PostureStatus[]]),
      reason: zod.string().optional().describe('Why the API has this status'),
      owners: zod.array(zod.string()),
      title: zod.string().optional(),
      system: zod.string().optional(),
      stale: zod
        .boolean()
        .describe('True when the last read of the data from Azure failed'),
      refreshedAt: zod.string().optional(),
    })
    .passthrough();

/** A posture (or a list) typed for an output schema that passes unnamed fields through. */
export function withOtherFields<T extends object>(
  value: T,
): T & { [field: string]: unknown } {
  return value as T & { [field: string]: unknown };
}
