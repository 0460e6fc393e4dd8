/**
 * The items of the refresh's large ARM lists (APIM APIs, alerts, assessments) read as ARM sends
 * them. Their successful pages skip the SDK's model mapper ({@link AS_SENT}): at 10,000 APIs it
 * allocated about 300 MB per refresh, a third of the refresh's allocation, to build objects
 * with every property of the models when the plugin keeps five of them. Azure text is
 * untrusted: every field is checked for its type, and what is not as expected is left out.
 */
import type { PipelineResponse } from '@azure/core-rest-pipeline';
import {
  ApiCollection,
  ApimApi,
  AzureAlert,
  AzureAttackPath,
  AzureAssessment,
} from '../model/azureResources';

/**
 * Request options of the SDK's operations that leave a successful answer as ARM sent it
 * (parsed JSON). Error answers still go through the mapper, so they reject with the SDK's
 * `RestError` as before; retries, throttling and paging are the SDK's either way.
 */
export const AS_SENT = {
  shouldDeserialize: (response: PipelineResponse) =>
    response.status < 200 || response.status >= 300,
};

type Json = Record<string, unknown>;

function record(value: unknown): Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Json)
    : {};
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** An APIM API from its ARM resource (`properties.type` is the API type). */
export function apimApiOf(item: unknown): ApimApi {
  const resource = record(item);
  const properties = record(resource.properties);
  const apiType = text(properties.type);
  const displayName = text(properties.displayName);
  return {
    id: text(resource.id) ?? '',
    name: text(resource.name) ?? '',
    ...(displayName !== undefined ? { displayName } : {}),
    ...(apiType !== undefined ? { apiType } : {}),
    ...(typeof properties.isCurrent === 'boolean'
      ? { isCurrent: properties.isCurrent }
      : {}),
  };
}

/** An ISO time ARM sent (seven fraction digits) in JavaScript's form; undefined if none. */
function isoTime(value: unknown): string | undefined {
  const time = Date.parse(text(value) ?? '');
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/** A Defender for APIs alert (type `API_…`) as the plugin keeps it; undefined for others. */
export function alertOf(item: unknown): AzureAlert | undefined {
  const resource = record(item);
  const properties = record(resource.properties);
  const alertType = text(properties.alertType);
  if (!alertType?.startsWith('API_')) return undefined;
  const identifiers = Array.isArray(properties.resourceIdentifiers)
    ? properties.resourceIdentifiers.map(record)
    : [];
  const timeGenerated = isoTime(properties.timeGeneratedUtc);
  const url = text(properties.alertUri);
  const compromisedEntity = text(properties.compromisedEntity);
  return {
    id: text(resource.id) ?? text(resource.name) ?? '',
    alertType,
    displayName: text(properties.alertDisplayName) ?? alertType,
    severity: text(properties.severity) ?? 'Informational',
    status: text(properties.status) ?? 'Active',
    ...(timeGenerated ? { timeGenerated } : {}),
    ...(url ? { url } : {}),
    ...(compromisedEntity ? { compromisedEntity } : {}),
    resourceIds: identifiers.flatMap(r => {
      const id = text(r.azureResourceId);
      return r.type === 'AzureResource' && id ? [id] : [];
    }),
  };
}

/**
 * The resource an assessment is on. ARM answers `resourceDetails` as `{ Source, Id }` as well
 * as `{ source, id }`; without either, the assessment's own id says it:
 * `{resourceId}/providers/Microsoft.Security/assessments/{key}`.
 */
function assessedResourceId(
  resource: Json,
  properties: Json,
): string | undefined {
  const details = record(properties.resourceDetails);
  const source = text(details.source) ?? text(details.Source);
  const id = text(details.id) ?? text(details.Id);
  if (source === 'Azure' && id) return id;
  return text(resource.id)?.replace(
    /\/providers\/Microsoft\.Security\/assessments\/[^/]+$/i,
    '',
  );
}

/**
 * Link to a recommendation in Defender for Cloud. ARM sends it as `links.azurePortal` without
 * a scheme (the spec names it `azurePortalUri`); the assessment blade for the key and
 * subscription is the same page when neither is there.
 */
function assessmentPortalUrl(
  links: Json,
  key: string,
  subscriptionId: string,
): string {
  const given = text(links.azurePortalUri) ?? text(links.azurePortal);
  if (given) return given.startsWith('https://') ? given : `https://${given}`;
  return `https://portal.azure.com/#blade/Microsoft_Azure_Security/AssessmentBlade/assessmentKey/${encodeURIComponent(
    key,
  )}/subscriptionIds/${encodeURIComponent(subscriptionId)}`;
}

/**
 * An assessment as the plugin keeps it; undefined unless it is on an APIM resource, the only
 * ones that can concern an API.
 */
export function assessmentOf(
  item: unknown,
  subscriptionId: string,
): AzureAssessment | undefined {
  const resource = record(item);
  const properties = record(resource.properties);
  const resourceId = assessedResourceId(resource, properties);
  if (!resourceId || !/\/microsoft\.apimanagement\/service\//i.test(resourceId))
    return undefined;
  const key = text(resource.name) ?? '';
  const metadata = record(properties.metadata);
  const severity = text(metadata.severity);
  const description = text(metadata.description);
  const remediation = text(metadata.remediationDescription);
  return {
    key,
    displayName: text(properties.displayName) ?? key,
    resourceId,
    statusCode: text(record(properties.status).code) ?? 'Unknown',
    ...(severity ? { severity } : {}),
    ...(description ? { description } : {}),
    ...(remediation ? { remediation } : {}),
    url: assessmentPortalUrl(record(properties.links), key, subscriptionId),
  };
}

/** The count properties of an API collection, each kept only when it is a whole number. */
const COLLECTION_COUNTS = [
  'numberOfApiEndpoints',
  'numberOfInactiveApiEndpoints',
  'numberOfUnauthenticatedApiEndpoints',
  'numberOfExternalApiEndpoints',
  'numberOfApiEndpointsWithSensitiveDataExposed',
] as const;

/** The text properties of an API collection. */
const COLLECTION_TEXTS = [
  'provisioningState',
  'displayName',
  'discoveredVia',
  'baseUrl',
  'sensitivityLabel',
] as const;

/**
 * An API collection from its resource as sent (properties nested, as Resource Graph holds it),
 * flattened as the SDK's mapper does; undefined without an id.
 */
export function apiCollectionOf(item: unknown): ApiCollection | undefined {
  const resource = record(item);
  const properties = record(resource.properties);
  const id = text(resource.id);
  if (!id) return undefined;
  const collection: ApiCollection = { id };
  const name = text(resource.name);
  if (name !== undefined) collection.name = name;
  for (const key of COLLECTION_TEXTS) {
    const value = text(properties[key]);
    if (value !== undefined) collection[key] = value;
  }
  for (const key of COLLECTION_COUNTS) {
    const value = properties[key];
    if (Number.isSafeInteger(value) && (value as number) >= 0)
      collection[key] = value as number;
  }
  return collection;
}

/** Azure text kept from an attack path: its fields are shown as sent, so they are bounded. */
const MAX_ATTACK_PATH_TEXT = 500;
/** Entities and categories kept of one attack path (paths are chains of a few entities). */
const MAX_ATTACK_PATH_PARTS = 50;

function boundedText(value: unknown): string | undefined {
  const given = text(value);
  return given === undefined ? undefined : given.slice(0, MAX_ATTACK_PATH_TEXT);
}

/**
 * A Defender CSPM attack path from its Resource Graph row (`microsoft.security/attackpaths`):
 * title, risk, entry point and target by the entities the path names as such, and its entities
 * that are Azure resources. Undefined without an id or a title.
 */
export function attackPathOf(item: unknown): AzureAttackPath | undefined {
  const resource = record(item);
  const properties = record(resource.properties);
  const id = text(resource.id);
  const displayName = boundedText(properties.displayName);
  if (!id || !displayName) return undefined;
  const entities = (
    Array.isArray(record(properties.graphComponent).entities)
      ? (record(properties.graphComponent).entities as unknown[])
      : []
  )
    .slice(0, MAX_ATTACK_PATH_PARTS)
    .map(record);
  const nameOf = (internalId: unknown) => {
    const entity = entities.find(
      e => typeof internalId === 'string' && e.entityInternalId === internalId,
    );
    return entity && boundedText(entity.entityName);
  };
  const entryPoint = nameOf(properties.entryPointEntityInternalID);
  const target = nameOf(properties.targetEntityInternalID);
  const categories = Array.isArray(properties.riskCategories)
    ? properties.riskCategories.slice(0, MAX_ATTACK_PATH_PARTS)
    : [];
  return {
    id,
    displayName,
    riskLevel: boundedText(properties.riskLevel) ?? 'Unknown',
    riskCategories: categories.flatMap(c => boundedText(c) ?? []),
    ...(entryPoint ? { entryPoint } : {}),
    ...(target ? { target } : {}),
    resources: entities.flatMap(e => {
      const resourceId = text(record(e.entityIdentifiers).azureResourceId);
      return resourceId
        ? [{ name: boundedText(e.entityName) ?? resourceId, resourceId }]
        : [];
    }),
  };
}
