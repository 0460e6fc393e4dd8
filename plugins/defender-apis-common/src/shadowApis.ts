/**
 * Shadow APIs: current APIs of the APIM services the backend reads that no catalog entity
 * maps to, and the catalog entity that would claim one.
 */
import { ANNOTATION_API_MANAGEMENT_API } from './annotations';
import { NotApplicableCause } from './types';

/**
 * An API published in a read APIM service that no catalog entity maps to, as the last
 * refresh read it.
 *
 * @public
 */
export interface ShadowApi {
  /** ARM id of the APIM API, in Azure's casing. */
  resourceId: string;
  /** Subscription of the APIM service. */
  subscriptionId: string;
  /** Resource group of the APIM service. */
  resourceGroup: string;
  /** Name of the APIM service. */
  serviceName: string;
  /** The API's id (its ARM name) in its service. */
  apiId: string;
  /** The API's display name in APIM. */
  displayName?: string;
  /** APIM API type; absent means `http`. */
  apiType?: string;
  /** Whether Defender for APIs has an API collection for it (it was onboarded). */
  onboarded: boolean;
  /** The collection's provisioning state, when it has one. */
  collectionState?: string;
  /** Whether Defender for APIs can protect it. */
  applicable: boolean;
  /** Why Defender for APIs cannot protect it; set when `applicable` is false. */
  notApplicable?: { cause: NotApplicableCause; reason: string };
  /** The API in the Azure portal. */
  portalUrl: string;
  /** ISO time the refresh that found it read its service. */
  readAt: string;
}

/**
 * Fields `GET /shadow-apis` sorts by.
 *
 * @public
 */
export type ShadowApiSortField = 'name' | 'service';

/** The values of {@link ShadowApiSortField}. @public */
export const SHADOW_API_SORT_FIELDS: readonly ShadowApiSortField[] = [
  'name',
  'service',
];

/**
 * Filters, sort and paging of `GET /shadow-apis`. Values of one filter are alternatives (OR),
 * different filters all apply (AND).
 *
 * @public
 */
export interface ShadowApiQuery {
  /** APIM service names. */
  service?: string[];
  /** Subscription ids. */
  subscription?: string[];
  /** Only onboarded (true) or only not onboarded (false) APIs. */
  onboarded?: boolean;
  /** Only APIs Defender for APIs can (true) or cannot (false) protect. */
  applicable?: boolean;
  /** Case-insensitive text in the API's id or display name. */
  q?: string;
  /** Default `name`. */
  sort?: ShadowApiSortField;
  /** Default `asc`. */
  order?: 'asc' | 'desc';
  /** `nextCursor` of the previous page; takes the place of `offset`. */
  cursor?: string;
  /** Index of the first item; default 0. */
  offset?: number;
  /** Page size; default 100, at most 500; 0 only counts. */
  limit?: number;
}

/**
 * One page of `GET /shadow-apis`.
 *
 * @public
 */
export interface ShadowApiList {
  /** The shadow APIs of this page. */
  items: ShadowApi[];
  /** How many shadow APIs match the filters across all pages. */
  totalItems: number;
  /** Index of the first item of this page; absent on pages read with a cursor. */
  offset?: number;
  /** The page size the backend applied. */
  limit: number;
  /** Pass as `cursor` to read the next page; absent on the last page. */
  nextCursor?: string;
  /** ISO time of the latest refresh that read an APIM service's APIs; absent before the first. */
  readAt?: string;
  /**
   * Services whose last read failed: their shadow APIs are listed as last read (none if
   * never read), so the list may miss or keep some.
   */
  unreadServices?: Array<{
    serviceName: string;
    subscriptionId: string;
    reason: string;
    /** ISO time of the last successful read, if any. */
    lastReadAt?: string;
  }>;
}

/**
 * What names an APIM API and describes it to the catalog: the fields a shadow API shares with
 * a posture's `api`.
 *
 * @public
 */
export type ShadowApiIdentity = Pick<
  ShadowApi,
  | 'resourceId'
  | 'serviceName'
  | 'apiId'
  | 'displayName'
  | 'apiType'
  | 'portalUrl'
>;

/** Longest catalog entity name (`metadata.name`). */
const MAX_ENTITY_NAME = 63;

/**
 * A catalog entity name for a shadow API: `{service}-{apiId}` in the characters entity names
 * allow, at most 63 of them. Names that had to change carry a short hash of the API's id,
 * so two APIs never share one.
 *
 * @public
 */
export function shadowApiEntityName(
  api: Pick<ShadowApi, 'serviceName' | 'apiId' | 'resourceId'>,
): string {
  const wanted = `${api.serviceName}-${api.apiId}`;
  const cleaned = wanted
    .replace(/[^a-zA-Z0-9_.-]+/g, '-')
    .replace(/[-_.]{2,}/g, '-')
    .replace(/^[-_.]+|[-_.]+$/g, '');
  if (cleaned === wanted && cleaned.length <= MAX_ENTITY_NAME) return cleaned;
  const hash = fnv1a(api.resourceId.toLowerCase());
  const head = cleaned
    .slice(0, MAX_ENTITY_NAME - hash.length - 1)
    .replace(/[-_.]+$/, '');
  return head ? `${head}-${hash}` : hash;
}

/** FNV-1a of a text as 8 hex digits: short, stable, the same in browser and Node. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/**
 * The `kind: API` entity that claims a shadow API for an owner: its annotation holds the
 * API's full ARM id, so it maps whatever services are configured.
 *
 * @public
 */
export function shadowApiEntity(
  api: ShadowApiIdentity,
  options: { owner: string; lifecycle?: string; namespace?: string },
) {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'API',
    metadata: {
      name: shadowApiEntityName(api),
      ...(options.namespace ? { namespace: options.namespace } : {}),
      title: api.displayName || api.apiId,
      annotations: { [ANNOTATION_API_MANAGEMENT_API]: api.resourceId },
    },
    spec: {
      type: shadowApiEntityType(api.apiType),
      lifecycle: options.lifecycle ?? 'production',
      owner: options.owner,
      definition: `Published in Azure API Management service ${api.serviceName}; see ${api.portalUrl}`,
    },
  };
}

/** The catalog's API type for an APIM API type. */
function shadowApiEntityType(apiType: string | undefined): string {
  const type = (apiType ?? 'http').toLowerCase();
  if (type === 'graphql') return 'graphql';
  if (type === 'grpc') return 'grpc';
  if (type === 'soap') return 'wsdl';
  if (type === 'websocket') return 'asyncapi';
  return 'openapi';
}

/**
 * A text as a YAML double-quoted scalar: JSON's string form, with the characters YAML does not
 * allow raw in a document (DEL, C1 controls, line and paragraph separators, BOM) escaped too.
 */
function yamlString(text: string): string {
  return JSON.stringify(text).replace(
    /[\u007f-\u009f\u2028\u2029\ufeff]/g,
    c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * A ready `catalog-info.yaml` that claims the shadow API for `owner`. Every value is written
 * as a double-quoted scalar (JSON's string form is valid YAML), so no text Azure returned can
 * change the document's structure.
 *
 * @public
 */
export function shadowApiCatalogInfo(
  api: ShadowApiIdentity,
  owner: string,
): string {
  const entity = shadowApiEntity(api, { owner });
  const q = yamlString;
  return [
    `apiVersion: ${entity.apiVersion}`,
    `kind: ${entity.kind}`,
    'metadata:',
    `  name: ${q(entity.metadata.name)}`,
    `  title: ${q(entity.metadata.title)}`,
    '  annotations:',
    `    ${ANNOTATION_API_MANAGEMENT_API}: ${q(api.resourceId)}`,
    'spec:',
    `  type: ${entity.spec.type}`,
    `  lifecycle: ${entity.spec.lifecycle}`,
    `  owner: ${q(owner)}`,
    '  # Replace with the API definition, e.g. definition: { $text: ./openapi.yaml }',
    `  definition: ${q(entity.spec.definition)}`,
    '',
  ].join('\n');
}
