import { FieldReader } from '../util/fieldReader';
import {
  ALERT_SEVERITIES,
  ALERT_STATUSES,
  API_TYPES,
  APIM_SKUS,
  ASSESSMENT_STATUS_CODES,
  PRICING_TIERS,
  Scenario,
  ScenarioAlert,
  ScenarioApi,
  ScenarioApimService,
  ScenarioAssessment,
  ScenarioAttackPath,
  ScenarioOperation,
  ScenarioCollection,
  ScenarioOnboarding,
  ScenarioPricing,
  ScenarioPricingExtension,
  ScenarioSubscription,
} from './types';

/**
 * Thrown when a scenario does not have the expected shape. `problems` lists each bad field
 * with its path, e.g. `subscriptions[0].services[0].sku: expected one of ...`.
 * @public
 */
export class ScenarioValidationError extends Error {
  constructor(readonly source: string, readonly problems: string[]) {
    super(
      `Invalid scenario ${source}: ${problems.slice(0, 10).join('; ')}${
        problems.length > 10 ? `; and ${problems.length - 10} more` : ''
      }`,
    );
    this.name = 'ScenarioValidationError';
  }
}

/**
 * Validates an untrusted value (usually parsed JSON) as a {@link Scenario}.
 *
 * @param value - the candidate scenario
 * @param source - names the scenario in error messages, e.g. its file path
 * @throws ScenarioValidationError naming every bad field
 * @public
 */
export function parseScenario(value: unknown, source = 'scenario'): Scenario {
  const problems: string[] = [];
  const root = FieldReader.root(value, problems);
  if (!root) throw new ScenarioValidationError(source, problems);

  root.rejectUnknownKeys(['name', 'description', 'subscriptions']);
  const scenario: Scenario = {
    name: root.string('name'),
    description: root.string('description', 'optional'),
    subscriptions: root.objectArray('subscriptions', readSubscription),
  };
  checkUniqueness(scenario, problems);

  if (problems.length > 0) throw new ScenarioValidationError(source, problems);
  return scenario;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function readSubscription(r: FieldReader): ScenarioSubscription {
  r.rejectUnknownKeys([
    'subscriptionId',
    'displayName',
    'tenantId',
    'pricings',
    'services',
    'alerts',
    'assessments',
    'attackPaths',
  ]);
  const subscriptionId = r.string('subscriptionId');
  if (subscriptionId && !GUID.test(subscriptionId)) {
    r.problem('subscriptionId', `expected a GUID, got "${subscriptionId}"`);
  }
  const tenantId = r.string('tenantId', 'optional');
  if (tenantId !== undefined && !GUID.test(tenantId)) {
    r.problem('tenantId', `expected a GUID, got "${tenantId}"`);
  }
  return {
    subscriptionId,
    displayName: r.string('displayName'),
    ...(tenantId !== undefined ? { tenantId } : {}),
    pricings: r.objectArray('pricings', readPricing),
    services: r.objectArray('services', readService),
    alerts: r.objectArray('alerts', readAlert, 'optional'),
    assessments: r.objectArray('assessments', readAssessment, 'optional'),
    attackPaths: r.objectArray('attackPaths', readAttackPath, 'optional'),
  };
}

function readAttackPath(r: FieldReader): ScenarioAttackPath {
  r.rejectUnknownKeys([
    'name',
    'displayName',
    'description',
    'riskLevel',
    'riskCategories',
    'entities',
  ]);
  const entities = r.objectArray('entities', e => {
    e.rejectUnknownKeys(['name', 'type', 'azureResourceId']);
    const azureResourceId = e.string('azureResourceId', 'optional');
    if (azureResourceId && !azureResourceId.startsWith('/subscriptions/')) {
      e.problem(
        'azureResourceId',
        `expected an ARM id starting with /subscriptions/, got "${azureResourceId}"`,
      );
    }
    return {
      name: e.string('name'),
      type: e.string('type'),
      ...(azureResourceId ? { azureResourceId } : {}),
    };
  });
  if (entities.length < 2) {
    r.problem(
      'entities',
      `expected at least two entities (an entry point and a target), got ${entities.length}`,
    );
  }
  return {
    name: r.string('name'),
    displayName: r.string('displayName'),
    description: r.string('description', 'optional'),
    riskLevel: r.oneOf('riskLevel', [
      'Critical',
      'High',
      'Medium',
      'Low',
    ] as const),
    riskCategories: r.stringArray('riskCategories', 'optional') ?? [],
    entities,
  };
}

function readPricing(r: FieldReader): ScenarioPricing {
  r.rejectUnknownKeys([
    'name',
    'pricingTier',
    'subPlan',
    'freeTrialRemainingTime',
    'enablementTime',
    'extensions',
  ]);
  return {
    name: r.string('name'),
    pricingTier: r.oneOf('pricingTier', PRICING_TIERS),
    subPlan: r.string('subPlan', 'optional'),
    freeTrialRemainingTime: r.string('freeTrialRemainingTime', 'optional'),
    enablementTime: readDate(r, 'enablementTime'),
    extensions: r.objectArray('extensions', readExtension, 'optional'),
  };
}

function readExtension(r: FieldReader): ScenarioPricingExtension {
  r.rejectUnknownKeys(['name', 'isEnabled']);
  return {
    name: r.string('name'),
    isEnabled: r.boolean('isEnabled') ?? false,
  };
}

function readService(r: FieldReader): ScenarioApimService {
  r.rejectUnknownKeys([
    'name',
    'resourceGroup',
    'sku',
    'skuCapacity',
    'location',
    'publisherEmail',
    'publisherName',
    'requestsLast30Days',
    'apis',
  ]);
  return {
    name: r.string('name'),
    resourceGroup: r.string('resourceGroup'),
    sku: r.oneOf('sku', APIM_SKUS),
    skuCapacity: r.number('skuCapacity', { min: 0, integer: true }, 'optional'),
    location: r.string('location'),
    publisherEmail: r.string('publisherEmail', 'optional'),
    publisherName: r.string('publisherName', 'optional'),
    requestsLast30Days: r.number(
      'requestsLast30Days',
      { min: 0, integer: true },
      'optional',
    ),
    apis: r.objectArray('apis', readApi),
  };
}

function readApi(r: FieldReader): ScenarioApi {
  r.rejectUnknownKeys([
    'name',
    'displayName',
    'path',
    'apiType',
    'serviceUrl',
    'protocols',
    'isCurrent',
    'apiRevision',
    'description',
    'collection',
    'onboarding',
    'operations',
  ]);
  const name = r.string('name');
  if (name && /[/?#*&+:<>]/.test(name)) {
    r.problem('name', `must not contain / ? # * & + : < >, got "${name}"`);
  }
  return {
    name,
    displayName: r.string('displayName'),
    // API Management allows an empty path (an API at the gateway root).
    path: r.string('path', 'allowEmpty'),
    apiType: r.oneOf('apiType', API_TYPES, 'optional'),
    serviceUrl: r.string('serviceUrl', 'optional'),
    protocols: r.stringArray('protocols', 'optional'),
    isCurrent: r.boolean('isCurrent', 'optional'),
    apiRevision: r.string('apiRevision', 'optional'),
    description: r.string('description', 'optional'),
    collection: r.object('collection', readCollection, 'optional'),
    onboarding: r.object('onboarding', readOnboarding, 'optional'),
    operations: r.objectArray('operations', readOperation, 'optional'),
  };
}

function readCollection(r: FieldReader): ScenarioCollection {
  r.rejectUnknownKeys([
    'numberOfApiEndpoints',
    'numberOfUnauthenticatedApiEndpoints',
    'numberOfInactiveApiEndpoints',
    'numberOfExternalApiEndpoints',
    'numberOfApiEndpointsWithSensitiveDataExposed',
    'sensitivityLabel',
    'baseUrl',
  ]);
  const count = (key: string) => r.number(key, { min: 0, integer: true });
  const collection: ScenarioCollection = {
    numberOfApiEndpoints: count('numberOfApiEndpoints'),
    numberOfUnauthenticatedApiEndpoints: count(
      'numberOfUnauthenticatedApiEndpoints',
    ),
    numberOfInactiveApiEndpoints: count('numberOfInactiveApiEndpoints'),
    numberOfExternalApiEndpoints: count('numberOfExternalApiEndpoints'),
    numberOfApiEndpointsWithSensitiveDataExposed: count(
      'numberOfApiEndpointsWithSensitiveDataExposed',
    ),
    sensitivityLabel: r.string('sensitivityLabel', 'optional'),
    baseUrl: r.string('baseUrl', 'optional'),
  };
  for (const key of [
    'numberOfUnauthenticatedApiEndpoints',
    'numberOfInactiveApiEndpoints',
    'numberOfExternalApiEndpoints',
    'numberOfApiEndpointsWithSensitiveDataExposed',
  ] as const) {
    if (collection[key] > collection.numberOfApiEndpoints) {
      r.problem(
        key,
        `must not exceed numberOfApiEndpoints (${collection.numberOfApiEndpoints})`,
      );
    }
  }
  return collection;
}

function readOnboarding(r: FieldReader): ScenarioOnboarding {
  r.rejectUnknownKeys(['collectionAfterOnboarding', 'failure']);
  return {
    collectionAfterOnboarding: r.object(
      'collectionAfterOnboarding',
      readCollection,
      'optional',
    ),
    failure: r.object(
      'failure',
      f => {
        f.rejectUnknownKeys(['status', 'code', 'message', 'phase']);
        return {
          status: f.number('status', { min: 400, max: 599, integer: true }),
          code: f.string('code'),
          message: f.string('message'),
          phase: f.oneOf('phase', ['poll', 'request'] as const, 'optional'),
        };
      },
      'optional',
    ),
  };
}

function readAlert(r: FieldReader): ScenarioAlert {
  r.rejectUnknownKeys([
    'name',
    'alertType',
    'alertDisplayName',
    'description',
    'severity',
    'status',
    'timeGeneratedUtc',
    'minutesAgo',
    'resourceGroup',
    'location',
    'compromisedEntity',
    'azureResourceIds',
    'intent',
    'remediationSteps',
  ]);
  const alert: ScenarioAlert = {
    name: r.string('name'),
    alertType: r.string('alertType'),
    alertDisplayName: r.string('alertDisplayName'),
    description: r.string('description', 'optional'),
    severity: r.oneOf('severity', ALERT_SEVERITIES),
    status: r.oneOf('status', ALERT_STATUSES),
    timeGeneratedUtc: readDate(r, 'timeGeneratedUtc'),
    minutesAgo: r.number('minutesAgo', { min: 0 }, 'optional'),
    resourceGroup: r.string('resourceGroup', 'optional'),
    location: r.string('location', 'optional'),
    compromisedEntity: r.string('compromisedEntity', 'optional'),
    azureResourceIds: r.stringArray('azureResourceIds', 'optional'),
    intent: r.string('intent', 'optional'),
    remediationSteps: r.stringArray('remediationSteps', 'optional'),
  };
  if (alert.timeGeneratedUtc !== undefined && alert.minutesAgo !== undefined) {
    r.problem(
      'minutesAgo',
      'give either timeGeneratedUtc or minutesAgo, not both',
    );
  }
  alert.azureResourceIds?.forEach((id, i) => {
    if (!id.startsWith('/subscriptions/')) {
      r.problem(
        `azureResourceIds[${i}]`,
        `expected an ARM id starting with /subscriptions/, got "${id}"`,
      );
    }
  });
  return alert;
}

function readOperation(r: FieldReader): ScenarioOperation {
  r.rejectUnknownKeys(['name', 'displayName', 'method', 'urlTemplate']);
  const name = r.string('name');
  if (name && /[/?#*&+:<>;]/.test(name)) {
    r.problem('name', `must not contain / ? # * & + : < > ;, got "${name}"`);
  }
  return {
    name,
    displayName: r.string('displayName'),
    method: r.string('method'),
    urlTemplate: r.string('urlTemplate'),
  };
}

function readAssessment(r: FieldReader): ScenarioAssessment {
  r.rejectUnknownKeys([
    'name',
    'displayName',
    'resourceId',
    'status',
    'metadata',
  ]);
  const resourceId = r.string('resourceId');
  if (resourceId && !resourceId.startsWith('/subscriptions/')) {
    r.problem(
      'resourceId',
      `expected an ARM id starting with /subscriptions/, got "${resourceId}"`,
    );
  }
  return {
    name: r.string('name'),
    displayName: r.string('displayName'),
    resourceId,
    status:
      r.object(
        'status',
        s => {
          s.rejectUnknownKeys(['code', 'cause', 'description']);
          return {
            code: s.oneOf('code', ASSESSMENT_STATUS_CODES),
            cause: s.string('cause', 'optional'),
            description: s.string('description', 'optional'),
          };
        },
        'optional',
      ) ?? missing(r, 'status', { code: 'Healthy' as const }),
    metadata: r.object(
      'metadata',
      m => {
        m.rejectUnknownKeys([
          'severity',
          'description',
          'remediationDescription',
        ]);
        return {
          severity: m.oneOf(
            'severity',
            ['Low', 'Medium', 'High'] as const,
            'optional',
          ),
          description: m.string('description', 'optional'),
          remediationDescription: m.string(
            'remediationDescription',
            'optional',
          ),
        };
      },
      'optional',
    ),
  };
}

function missing<T>(r: FieldReader, key: string, fallback: T): T {
  r.problem(key, 'expected an object, got nothing');
  return fallback;
}

function readDate(r: FieldReader, key: string): string | undefined {
  const value = r.string(key, 'optional');
  if (value !== undefined && Number.isNaN(Date.parse(value))) {
    r.problem(key, `expected an ISO 8601 date-time, got "${value}"`);
  }
  return value;
}

/** Names that ARM treats case-insensitively must be unique case-insensitively. */
function checkUniqueness(scenario: Scenario, problems: string[]): void {
  const seen = new Map<string, string>();
  const unique = (key: string, path: string, what: string) => {
    const previous = seen.get(key.toLowerCase());
    if (previous) {
      problems.push(
        `${path}: duplicate ${what} (already at ${previous}; ARM ids ignore case)`,
      );
    } else {
      seen.set(key.toLowerCase(), path);
    }
  };
  scenario.subscriptions.forEach((sub, si) => {
    const subPath = `subscriptions[${si}]`;
    unique(
      `sub:${sub.subscriptionId}`,
      `${subPath}.subscriptionId`,
      'subscription',
    );
    sub.pricings.forEach((p, pi) =>
      unique(
        `pricing:${sub.subscriptionId}/${p.name}`,
        `${subPath}.pricings[${pi}].name`,
        'pricing',
      ),
    );
    sub.services.forEach((svc, vi) => {
      const svcPath = `${subPath}.services[${vi}]`;
      unique(
        `svc:${sub.subscriptionId}/${svc.name}`,
        `${svcPath}.name`,
        'service name',
      );
      svc.apis.forEach((api, ai) =>
        unique(
          `api:${sub.subscriptionId}/${svc.name}/${api.name}`,
          `${svcPath}.apis[${ai}].name`,
          'API name',
        ),
      );
    });
    sub.alerts?.forEach((a, ai) =>
      unique(
        `alert:${sub.subscriptionId}/${a.name}`,
        `${subPath}.alerts[${ai}].name`,
        'alert name',
      ),
    );
    sub.attackPaths?.forEach((a, ai) =>
      unique(
        `attackPath:${sub.subscriptionId}/${a.name}`,
        `${subPath}.attackPaths[${ai}].name`,
        'attack path name',
      ),
    );
    sub.assessments?.forEach((a, ai) =>
      unique(
        `assessment:${a.resourceId}/${a.name}`,
        `${subPath}.assessments[${ai}].name`,
        'assessment for this resourceId',
      ),
    );
  });
}
