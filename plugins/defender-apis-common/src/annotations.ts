/**
 * Parsing of the `azure.com/api-management-api` annotation. Every segment is validated
 * against a strict pattern before it can reach an ARM URL, so an annotation can never
 * inject path segments or query strings into a request to Azure.
 */

/** The annotation that maps a `kind: API` entity to an Azure API Management API. @public */
export const ANNOTATION_API_MANAGEMENT_API = 'azure.com/api-management-api';

/** An APIM service the backend may read, from `defenderApis.apiManagement.services`. @public */
export interface ApiManagementServiceConfig {
  /** Name of the APIM service. */
  name: string;
  /** Azure subscription of the service. */
  subscriptionId: string;
  /** Resource group of the service. */
  resourceGroup: string;
}

/** An APIM API reference resolved from the annotation. @public */
export interface ApiManagementApiRef {
  /** Azure subscription of the APIM service. */
  subscriptionId: string;
  /** Resource group of the APIM service. */
  resourceGroup: string;
  /** Name of the APIM service. */
  serviceName: string;
  /** APIM API id, possibly with a `;rev=N` revision suffix. */
  apiId: string;
  /** Revision number when the annotation names one (`;rev=N`). */
  revision?: number;
  /** APIM workspace, when the API lives in one. */
  workspace?: string;
}

/** Outcome of parsing the annotation. @public */
export type ParsedApiManagementAnnotation =
  | { ok: true; ref: ApiManagementApiRef }
  | {
      ok: false;
      issue: 'malformedAnnotation' | 'unknownService';
      reason: string;
    };

const EXPECTED_FORMAT =
  '"/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.ApiManagement/service/{serviceName}/apis/{apiId}" or "{serviceName}/{apiId}"';

const MAX_ANNOTATION_LENGTH = 1024;
const SUBSCRIPTION_ID =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// ARM resource group names: letters, digits, '-', '_', '.', '(', ')'; not ending in '.'.
const RESOURCE_GROUP = /^[-\w.()]{0,89}[-\w()]$/;
// APIM service names: start with a letter, letters/digits/hyphens, end alphanumeric.
const SERVICE_NAME = /^[a-zA-Z](?:[a-zA-Z0-9-]{0,48}[a-zA-Z0-9])?$/;
// APIM ids of APIs and workspaces; stricter than APIM itself so nothing URL-significant passes.
const ENTITY_ID = /^[a-zA-Z0-9](?:[a-zA-Z0-9._~-]{0,254}[a-zA-Z0-9_~-])?$/;
const REVISION = /^;rev=([1-9][0-9]{0,3})$/;

/** Builds the ARM id of an APIM API. @public */
export function apiManagementApiResourceId(ref: ApiManagementApiRef): string {
  const service = `/subscriptions/${ref.subscriptionId}/resourceGroups/${ref.resourceGroup}/providers/Microsoft.ApiManagement/service/${ref.serviceName}`;
  const scope = ref.workspace
    ? `${service}/workspaces/${ref.workspace}`
    : service;
  return `${scope}/apis/${ref.apiId}`;
}

/** Builds the ARM id of the Defender for APIs collection of an APIM API. @public */
export function apiCollectionResourceId(ref: ApiManagementApiRef): string {
  return `/subscriptions/${ref.subscriptionId}/resourceGroups/${ref.resourceGroup}/providers/Microsoft.ApiManagement/service/${ref.serviceName}/providers/Microsoft.Security/apiCollections/${ref.apiId}`;
}

function malformed(value: string, why: string): ParsedApiManagementAnnotation {
  const shown = value.length > 120 ? `${value.slice(0, 120)}…` : value;
  return {
    ok: false,
    issue: 'malformedAnnotation',
    reason: `Annotation ${ANNOTATION_API_MANAGEMENT_API} must be ${EXPECTED_FORMAT}, but is "${shown}": ${why}.`,
  };
}

function splitApiId(
  value: string,
  raw: string,
): { apiId: string; revision?: number } | ParsedApiManagementAnnotation {
  const revisionAt = raw.indexOf(';');
  const base = revisionAt === -1 ? raw : raw.slice(0, revisionAt);
  if (!ENTITY_ID.test(base)) {
    return malformed(value, `"${base}" is not a valid API id`);
  }
  if (revisionAt === -1) return { apiId: base };
  const revision = REVISION.exec(raw.slice(revisionAt));
  if (!revision) {
    return malformed(value, `the revision suffix must look like ";rev=2"`);
  }
  return { apiId: raw, revision: Number(revision[1]) };
}

function parseFullId(
  value: string,
  segments: string[],
): ParsedApiManagementAnnotation {
  // ['', 'subscriptions', sub, 'resourceGroups', rg, 'providers', 'Microsoft.ApiManagement', 'service', svc, ('workspaces', ws,) 'apis', api]
  const hasWorkspace = segments.length === 13;
  if (segments.length !== 11 && !hasWorkspace) {
    return malformed(
      value,
      `expected 10 path segments, found ${segments.length - 1}`,
    );
  }
  const expectLiteral: Array<[number, string]> = [
    [1, 'subscriptions'],
    [3, 'resourceGroups'],
    [5, 'providers'],
    [6, 'Microsoft.ApiManagement'],
    [7, 'service'],
    [segments.length - 2, 'apis'],
  ];
  if (hasWorkspace) expectLiteral.push([9, 'workspaces']);
  for (const [index, literal] of expectLiteral) {
    if (segments[index].toLowerCase() !== literal.toLowerCase()) {
      return malformed(
        value,
        `segment ${index} should be "${literal}", found "${segments[index]}"`,
      );
    }
  }
  const [subscriptionId, resourceGroup, serviceName] = [
    segments[2],
    segments[4],
    segments[8],
  ];
  if (!SUBSCRIPTION_ID.test(subscriptionId)) {
    return malformed(
      value,
      `"${subscriptionId}" is not a subscription id (a GUID)`,
    );
  }
  if (!RESOURCE_GROUP.test(resourceGroup)) {
    return malformed(
      value,
      `"${resourceGroup}" is not a valid resource group name`,
    );
  }
  if (!SERVICE_NAME.test(serviceName)) {
    return malformed(
      value,
      `"${serviceName}" is not a valid API Management service name`,
    );
  }
  const workspace = hasWorkspace ? segments[10] : undefined;
  if (workspace !== undefined && !ENTITY_ID.test(workspace)) {
    return malformed(value, `"${workspace}" is not a valid workspace name`);
  }
  const api = splitApiId(value, segments[segments.length - 1]);
  if ('ok' in api) return api;
  return {
    ok: true,
    ref: {
      subscriptionId,
      resourceGroup,
      serviceName,
      ...api,
      ...(workspace ? { workspace } : {}),
    },
  };
}

/** The names of the known services, ten at most: a discovered estate may have hundreds. */
function namesOf(services: readonly ApiManagementServiceConfig[]): string {
  if (services.length === 0) return 'none';
  const names = services.slice(0, 10).map(s => s.name);
  return services.length > 10
    ? `${names.join(', ')} and ${services.length - 10} more`
    : names.join(', ');
}

function parseShortForm(
  value: string,
  segments: string[],
  services: readonly ApiManagementServiceConfig[],
): ParsedApiManagementAnnotation {
  const [serviceName, rawApiId] = segments;
  if (!SERVICE_NAME.test(serviceName)) {
    return malformed(
      value,
      `"${serviceName}" is not a valid API Management service name`,
    );
  }
  const api = splitApiId(value, rawApiId);
  if ('ok' in api) return api;
  const matches = services.filter(
    s => s.name.toLowerCase() === serviceName.toLowerCase(),
  );
  if (matches.length !== 1) {
    return {
      ok: false,
      issue: 'unknownService',
      reason:
        matches.length === 0
          ? `Annotation ${ANNOTATION_API_MANAGEMENT_API} names API Management service "${serviceName}", which is not in defenderApis.apiManagement.services (configured: ${namesOf(
              services,
            )}). Use the full ARM id of the API or add the service to the configuration.`
          : `Annotation ${ANNOTATION_API_MANAGEMENT_API} names API Management service "${serviceName}", which is in ${
              matches.length
            } places: ${matches
              .map(
                m =>
                  `resource group ${m.resourceGroup} of subscription ${m.subscriptionId}`,
              )
              .join('; ')}. Use the full ARM id of the API.`,
    };
  }
  const service = matches[0];
  return {
    ok: true,
    ref: {
      subscriptionId: service.subscriptionId,
      resourceGroup: service.resourceGroup,
      serviceName: service.name,
      ...api,
    },
  };
}

/**
 * Parses the `azure.com/api-management-api` annotation value, either the full ARM id of an
 * APIM API or `{serviceName}/{apiId}` resolved against the configured services.
 * Never throws: a bad value gives a reason stating the expected format and the value found.
 *
 * @public
 */
export function parseApiManagementAnnotation(
  value: string,
  services: readonly ApiManagementServiceConfig[],
): ParsedApiManagementAnnotation {
  const trimmed = value.trim();
  if (!trimmed) return malformed(value, 'the value is empty');
  if (trimmed.length > MAX_ANNOTATION_LENGTH) {
    return malformed(
      value,
      `the value is longer than ${MAX_ANNOTATION_LENGTH} characters`,
    );
  }
  if (/[?#%\\\s]/.test(trimmed)) {
    return malformed(
      value,
      'it contains a character not allowed in an ARM id (one of ?, #, %, \\ or whitespace)',
    );
  }
  const segments = trimmed.split('/');
  if (trimmed.startsWith('/')) return parseFullId(value, segments);
  if (segments.length === 2) return parseShortForm(value, segments, services);
  return malformed(
    value,
    `expected a full ARM id starting with "/" or exactly one "/" in the short form, found ${
      segments.length - 1
    }`,
  );
}

/** Compares two ARM ids the way ARM does: case-insensitively. @public */
export function sameResourceId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
