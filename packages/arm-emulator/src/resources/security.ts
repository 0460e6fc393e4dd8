import {
  ScenarioAlert,
  ScenarioAssessment,
  ScenarioAttackPath,
  ScenarioPricing,
  ScenarioSubscription,
} from '../scenario/types';
import { CollectionEntry } from '../state/model';

/*
 * Microsoft.Security resources, shaped like the azure-rest-api-specs examples:
 * apiCollections 2023-11-15, pricings (observed `Api` plan), alerts 2022-01-01,
 * assessments 2021-06-01.
 */

/**
 * An apiCollection. While onboarding is in progress it carries only `provisioningState`,
 * like the 201 answer of the onboarding example; `sensitivityLabel` is left out when none.
 */
export function renderCollection(collection: CollectionEntry): object {
  const { api } = collection;
  const base = {
    name: api.scenario.name,
    type: 'Microsoft.Security/apiCollections',
    id: api.collectionId,
  };
  if (collection.provisioningState === 'InProgress') {
    return { ...base, properties: { provisioningState: 'InProgress' } };
  }
  const svc = api.service.scenario;
  const counts = collection.counts;
  return {
    ...base,
    properties: {
      baseUrl:
        counts.baseUrl ??
        `https://${svc.name.toLowerCase()}.azure-api.net${
          api.scenario.path ? `/${api.scenario.path}` : ''
        }`,
      discoveredVia: api.service.id,
      displayName: api.scenario.displayName,
      numberOfApiEndpoints: counts.numberOfApiEndpoints,
      numberOfApiEndpointsWithSensitiveDataExposed:
        counts.numberOfApiEndpointsWithSensitiveDataExposed,
      numberOfExternalApiEndpoints: counts.numberOfExternalApiEndpoints,
      numberOfInactiveApiEndpoints: counts.numberOfInactiveApiEndpoints,
      numberOfUnauthenticatedApiEndpoints:
        counts.numberOfUnauthenticatedApiEndpoints,
      provisioningState: 'Succeeded',
      ...(counts.sensitivityLabel
        ? { sensitivityLabel: counts.sensitivityLabel }
        : {}),
    },
  };
}

/** `Microsoft.Security/pricings/{name}` at subscription scope. */
export function renderPricing(
  subscriptionId: string,
  pricing: ScenarioPricing,
): object {
  const standard = pricing.pricingTier === 'Standard';
  return {
    id: `/subscriptions/${subscriptionId}/providers/Microsoft.Security/pricings/${pricing.name}`,
    name: pricing.name,
    type: 'Microsoft.Security/pricings',
    properties: {
      ...(standard && pricing.enablementTime
        ? { enablementTime: pricing.enablementTime }
        : {}),
      ...(pricing.subPlan ? { subPlan: pricing.subPlan } : {}),
      ...(standard ? {} : { resourcesCoverageStatus: 'NotCovered' }),
      pricingTier: pricing.pricingTier,
      freeTrialRemainingTime:
        pricing.freeTrialRemainingTime ?? (standard ? 'PT0S' : 'P30D'),
      // ARM writes the flag as the text "True" or "False".
      ...(pricing.extensions
        ? {
            extensions: pricing.extensions.map(e => ({
              name: e.name,
              isEnabled: e.isEnabled ? 'True' : 'False',
            })),
          }
        : {}),
    },
  };
}

/** A security alert; `minutesAgo` counts back from `now` (the scenario load time). */
export function renderAlert(
  subscription: ScenarioSubscription,
  alert: ScenarioAlert,
  now: Date,
): object {
  const firstService = subscription.services[0];
  const resourceGroup =
    alert.resourceGroup ?? firstService?.resourceGroup ?? 'default';
  const location = alert.location ?? firstService?.location ?? 'westeurope';
  const generated = alert.timeGeneratedUtc
    ? new Date(alert.timeGeneratedUtc)
    : new Date(now.getTime() - (alert.minutesAgo ?? 0) * 60_000);
  const sub = subscription.subscriptionId;
  const minute = 60_000;
  return {
    id: `/subscriptions/${sub}/resourceGroups/${resourceGroup}/providers/Microsoft.Security/locations/${location}/alerts/${alert.name}`,
    name: alert.name,
    type: 'Microsoft.Security/Locations/alerts',
    properties: {
      version: '2022-01-01',
      alertType: alert.alertType,
      systemAlertId: alert.name,
      productComponentName: 'Apis',
      alertDisplayName: alert.alertDisplayName,
      description: alert.description ?? alert.alertDisplayName,
      severity: alert.severity,
      intent: alert.intent ?? 'Unknown',
      startTimeUtc: iso(new Date(generated.getTime() - 10 * minute)),
      endTimeUtc: iso(new Date(generated.getTime() - minute)),
      resourceIdentifiers: (alert.azureResourceIds ?? []).map(
        azureResourceId => ({
          azureResourceId,
          type: 'AzureResource',
        }),
      ),
      remediationSteps: alert.remediationSteps ?? [],
      vendorName: 'Microsoft',
      status: alert.status,
      extendedLinks: [],
      alertUri: `https://portal.azure.com/#blade/Microsoft_Azure_Security/AlertBlade/alertId/${alert.name}/subscriptionId/${sub}/resourceGroup/${resourceGroup}/referencedFrom/alertDeepLink/location/${location}`,
      timeGeneratedUtc: iso(generated),
      productName: 'Microsoft Defender for Cloud',
      processingEndTimeUtc: iso(new Date(generated.getTime() + 1000)),
      entities: [],
      isIncident: false,
      correlationKey: Buffer.from(`${sub}/${alert.name}`).toString('base64'),
      extendedProperties: {},
      ...(alert.compromisedEntity
        ? { compromisedEntity: alert.compromisedEntity }
        : {}),
      techniques: [],
      subTechniques: [],
    },
  };
}

/**
 * An assessment. `resourceDetails` uses the PascalCase keys (`Source`, `Id`) the live service
 * sends; the 2021-06-01 spec example spells them in camelCase.
 */
export function renderAssessment(
  subscriptionId: string,
  assessment: ScenarioAssessment,
): object {
  return {
    id: `${assessment.resourceId}/providers/Microsoft.Security/assessments/${assessment.name}`,
    name: assessment.name,
    type: 'Microsoft.Security/assessments',
    properties: {
      resourceDetails: { Source: 'Azure', Id: assessment.resourceId },
      displayName: assessment.displayName,
      status: {
        code: assessment.status.code,
        ...(assessment.status.cause ? { cause: assessment.status.cause } : {}),
        ...(assessment.status.description
          ? { description: assessment.status.description }
          : {}),
      },
      ...(assessment.metadata
        ? {
            metadata: {
              displayName: assessment.displayName,
              assessmentType: 'BuiltIn',
              ...withoutUndefined(assessment.metadata),
            },
          }
        : {}),
      links: {
        azurePortal: `portal.azure.com/#blade/Microsoft_Azure_Security/AssessmentBlade/assessmentKey/${assessment.name}/subscriptionIds/${subscriptionId}/showSecurityCenterCommandBar~/false`,
      },
    },
  };
}

/**
 * An attack path instance as Resource Graph holds it (Defender for Cloud's documented schema):
 * entities named by internal ids `e0`…, the entry point first and the target last, chained by
 * connections.
 */
export function renderAttackPath(
  subscriptionId: string,
  path: ScenarioAttackPath,
): object {
  const internalId = (i: number) => `${path.name}-e${i}`;
  const last = path.entities.length - 1;
  return {
    id: `/subscriptions/${subscriptionId}/providers/Microsoft.Security/attackPaths/${path.name}`,
    name: path.name,
    type: 'microsoft.security/attackpaths',
    location: 'global',
    properties: {
      attackPathId: path.name,
      displayName: path.displayName,
      description: path.description ?? path.displayName,
      attackPathType: path.displayName,
      riskLevel: path.riskLevel,
      riskCategories: path.riskCategories,
      entryPointEntityInternalID: internalId(0),
      targetEntityInternalID: internalId(last),
      refreshInterval: 'PT24H',
      graphComponent: {
        entities: path.entities.map((entity, i) => ({
          entityInternalId: internalId(i),
          entityName: entity.name,
          entityType: entity.type,
          ...(entity.azureResourceId
            ? { entityIdentifiers: { azureResourceId: entity.azureResourceId } }
            : {}),
        })),
        connections: path.entities.slice(1).map((_, i) => ({
          sourceEntityInternalId: internalId(i),
          targetEntityInternalId: internalId(i + 1),
          title: 'Can reach',
        })),
        insights: [],
      },
    },
  };
}

/** The object without its undefined fields, which ARM leaves out. */
function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}

function iso(date: Date): string {
  return date.toISOString();
}
