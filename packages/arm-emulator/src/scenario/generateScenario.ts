import { apimApiId } from '../state/resourceIds';
import {
  AlertSeverity,
  Scenario,
  ScenarioAlert,
  ScenarioApi,
  ScenarioAssessment,
  ScenarioSubscription,
} from './types';
import { seededRandom } from '../util/seededRandom';

/**
 * Size and shape of a generated scenario.
 * @public
 */
export interface GenerateScenarioOptions {
  /** Number of APIs in total. */
  apis: number;
  /** Number of API Management services (default: one per 50 APIs, at least 1). */
  services?: number;
  /** Number of subscriptions the services are spread over (default 1). */
  subscriptions?: number;
  /** Share of APIs onboarded to Defender for APIs, 0..1 (default 0.5). */
  onboardedRatio?: number;
}

/** Assessment keys of the Defender for APIs recommendations. */
const ASSESSMENT = {
  authenticated: {
    name: '91af2040-7874-4659-abf0-578e1f8d07dc',
    displayName:
      'API endpoints in Azure API Management should be authenticated',
  },
  unused: {
    name: '4e8c00a2-e8bc-42a8-9e12-99584a51ad10',
    displayName:
      'API endpoints that are unused should be disabled and removed from the Azure API Management service',
  },
  onboarded: {
    name: '1c0ba94f-e732-43c7-bf3a-05e80f45d642',
    displayName:
      'Azure API Management APIs should be onboarded to Defender for APIs',
  },
};

const ALERT_TYPES: Array<{
  alertType: string;
  alertDisplayName: string;
  severity: AlertSeverity;
}> = [
  {
    alertType: 'API_AccessFromSuspiciousIP',
    alertDisplayName: 'API endpoint access from suspicious IP',
    severity: 'High',
  },
  {
    alertType: 'API_SpikeInAPITraffic',
    alertDisplayName:
      'Suspicious spike in API traffic from a single IP address to an API endpoint',
    severity: 'Medium',
  },
  {
    alertType: 'API_ParameterEnumeration',
    alertDisplayName: 'Parameter enumeration on an API endpoint',
    severity: 'Low',
  },
  {
    alertType: 'API_UnseenParam',
    alertDisplayName: 'Previously unseen parameter used in an API call',
    severity: 'Informational',
  },
];

/**
 * A deterministic scenario of `apis` APIs spread round-robin over `services` services in
 * `subscriptions` subscriptions, for benchmarks. Every subscription has the Defender for APIs
 * plan on; a share `onboardedRatio` of the APIs is onboarded, one in three onboarded APIs has
 * an alert, APIs with unauthenticated endpoints carry the authentication assessment and
 * APIs not onboarded the onboarding assessment.
 * @public
 */
export function generateScenario(options: GenerateScenarioOptions): Scenario {
  const apiCount = positiveInt(options.apis, 'apis', 0);
  const serviceCount = positiveInt(
    options.services ?? Math.max(1, Math.ceil(apiCount / 50)),
    'services',
    1,
  );
  const subscriptionCount = positiveInt(
    options.subscriptions ?? 1,
    'subscriptions',
    1,
  );
  const ratio = options.onboardedRatio ?? 0.5;
  if (!(ratio >= 0 && ratio <= 1)) {
    throw new Error(`onboardedRatio must be between 0 and 1, got ${ratio}`);
  }
  const random = seededRandom(
    apiCount * 7919 + serviceCount * 31 + subscriptionCount,
  );

  const subscriptions: ScenarioSubscription[] = Array.from(
    { length: subscriptionCount },
    (_, m) => ({
      subscriptionId: generatedGuid(m + 1),
      displayName: `generated-${m + 1}`,
      pricings: [{ name: 'Api', pricingTier: 'Standard', subPlan: 'P1' }],
      services: [],
      alerts: [],
      assessments: [],
    }),
  );
  for (let s = 0; s < serviceCount; s++) {
    subscriptions[s % subscriptionCount].services.push({
      name: `gen-apim-${s + 1}`,
      resourceGroup: `rg-gen-${(s % 3) + 1}`,
      sku: 'Developer',
      location: 'westeurope',
      apis: [],
    });
  }
  const services = subscriptions.flatMap(sub =>
    sub.services.map(service => ({ sub, service })),
  );

  let onboardedSoFar = 0;
  for (let i = 0; i < apiCount; i++) {
    const { sub, service } = services[i % serviceCount];
    const name = `gen-api-${i + 1}`;
    // Spread onboarded APIs evenly: onboard when the running share falls behind the ratio.
    const onboarded = onboardedSoFar < Math.round((i + 1) * ratio);
    const api: ScenarioApi = {
      name,
      displayName: `Generated API ${i + 1}`,
      path: `gen/${i + 1}`,
      serviceUrl: `https://backend.example.com/gen/${i + 1}`,
    };
    const id = apimApiId(
      sub.subscriptionId,
      service.resourceGroup,
      service.name,
      name,
    );
    if (onboarded) {
      onboardedSoFar += 1;
      const total = 5 + Math.floor(random() * 20);
      const unauthenticated = random() < 0.3 ? 1 + Math.floor(random() * 3) : 0;
      api.collection = {
        numberOfApiEndpoints: total,
        numberOfUnauthenticatedApiEndpoints: unauthenticated,
        numberOfInactiveApiEndpoints: Math.floor(random() * 3),
        numberOfExternalApiEndpoints: Math.floor(random() * 2),
        numberOfApiEndpointsWithSensitiveDataExposed: random() < 0.2 ? 1 : 0,
      };
      if (unauthenticated > 0) {
        sub.assessments!.push(
          assessment(
            ASSESSMENT.authenticated,
            `${id}/operations/op-1`,
            'Unhealthy',
          ),
        );
      }
      if (onboardedSoFar % 3 === 1)
        sub.alerts!.push(alert(service.name, i, id));
    } else {
      sub.assessments!.push(assessment(ASSESSMENT.onboarded, id, 'Unhealthy'));
    }
    service.apis.push(api);
  }

  return {
    name: `generated-${apiCount}`,
    description: `${apiCount} APIs over ${serviceCount} services in ${subscriptionCount} subscriptions`,
    subscriptions,
  };
}

function assessment(
  kind: { name: string; displayName: string },
  resourceId: string,
  code: 'Healthy' | 'Unhealthy',
): ScenarioAssessment {
  return { ...kind, resourceId, status: { code } };
}

function alert(
  serviceName: string,
  index: number,
  apiId: string,
): ScenarioAlert {
  const type = ALERT_TYPES[index % ALERT_TYPES.length];
  return {
    name: `2517${String(index).padStart(15, '0')}_${generatedGuid(index + 1)}`,
    ...type,
    status: index % 7 === 0 ? 'Resolved' : 'Active',
    minutesAgo: 30 + (index % 48) * 60,
    azureResourceIds: [apiId],
    compromisedEntity: serviceName,
  };
}

/** A stable GUID for generated subscriptions and alert names. */
function generatedGuid(n: number): string {
  const hex = n.toString(16).padStart(12, '0');
  return `00000000-0000-4000-8000-${hex}`;
}

function positiveInt(value: number, name: string, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${name} must be an integer >= ${min}, got ${value}`);
  }
  return value;
}
