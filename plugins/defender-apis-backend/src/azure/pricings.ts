/**
 * `Microsoft.Security/pricings` of a subscription at api-version 2024-01-01, whose plans carry
 * their `extensions` (Defender CSPM's `ApiPosture` and `SensitiveDataDiscovery`); the
 * `SecurityCenter` client of @azure/arm-security 5.0.0 reads 2022-03-01, which has none. One
 * request answers every plan of the subscription.
 */
import * as coreClient from '@azure/core-client';
import { SecurityCenter } from '@azure/arm-security';
import { SubscriptionSnapshot } from '../model/azureResources';
import {
  acceptJson,
  apiVersionParam,
  CloudErrorMapper,
  hostParam,
  subscriptionIdParam,
} from './operationSpecs';

/** A plan as this plugin reads it. */
export interface PricingRead {
  name?: string;
  pricingTier?: string;
  subPlan?: string;
  extensions?: Array<{ name?: string; isEnabled?: string }>;
}

const PricingMapper: coreClient.CompositeMapper = {
  type: {
    name: 'Composite',
    className: 'Pricing',
    modelProperties: {
      name: {
        serializedName: 'name',
        readOnly: true,
        type: { name: 'String' },
      },
      pricingTier: {
        serializedName: 'properties.pricingTier',
        type: { name: 'String' },
      },
      subPlan: {
        serializedName: 'properties.subPlan',
        type: { name: 'String' },
      },
      extensions: {
        serializedName: 'properties.extensions',
        type: {
          name: 'Sequence',
          element: { type: { name: 'Composite', className: 'Extension' } },
        },
      },
    },
  },
};

const ExtensionMapper: coreClient.CompositeMapper = {
  type: {
    name: 'Composite',
    className: 'Extension',
    modelProperties: {
      name: { serializedName: 'name', type: { name: 'String' } },
      isEnabled: { serializedName: 'isEnabled', type: { name: 'String' } },
    },
  },
};

const PricingListMapper: coreClient.CompositeMapper = {
  type: {
    name: 'Composite',
    className: 'PricingList',
    modelProperties: {
      value: {
        serializedName: 'value',
        type: {
          name: 'Sequence',
          element: { type: { name: 'Composite', className: 'Pricing' } },
        },
      },
    },
  },
};

const listSpec: coreClient.OperationSpec = {
  path: '/subscriptions/{subscriptionId}/providers/Microsoft.Security/pricings',
  httpMethod: 'GET',
  responses: {
    200: { bodyMapper: PricingListMapper },
    default: { bodyMapper: CloudErrorMapper },
  },
  queryParameters: [apiVersionParam('2024-01-01')],
  urlParameters: [hostParam, subscriptionIdParam],
  headerParameters: [acceptJson],
  serializer: coreClient.createSerializer(
    {
      Pricing: PricingMapper,
      Extension: ExtensionMapper,
      PricingList: PricingListMapper,
      CloudError: CloudErrorMapper,
    },
    false,
  ),
};

/** Every plan of the client's subscription, with extensions (one request; ARM does not page it). */
export async function listPricings(
  client: SecurityCenter,
  options?: coreClient.OperationOptions,
): Promise<PricingRead[]> {
  const list: { value?: PricingRead[] } = await client.sendOperationRequest(
    { subscriptionId: client.subscriptionId, $host: client.$host, options },
    listSpec,
  );
  return list.value ?? [];
}

const isOn = (pricing: PricingRead | undefined) =>
  pricing?.pricingTier?.toLowerCase() === 'standard';

function extensionOn(pricing: PricingRead | undefined, name: string): boolean {
  return Boolean(
    pricing?.extensions?.some(
      e =>
        e.name?.toLowerCase() === name.toLowerCase() &&
        e.isEnabled?.toLowerCase() === 'true',
    ),
  );
}

/**
 * The plans a subscription's pricings say: the Defender for APIs plan (`Api`) and, of the
 * Defender CSPM plan (`CloudPosture`), whether it is on and whether its API posture and
 * sensitive data discovery extensions are (an extension of a plan that is off is off).
 */
export function plansOf(
  pricings: PricingRead[],
): Pick<SubscriptionSnapshot, 'plan' | 'cloudPosture'> {
  const byName = (name: string) =>
    pricings.find(p => p.name?.toLowerCase() === name.toLowerCase());
  const api = byName('Api');
  const cspm = byName('CloudPosture');
  return {
    plan: {
      enabled: isOn(api),
      ...(api?.subPlan ? { subPlan: api.subPlan } : {}),
      apiPosture: isOn(cspm) && extensionOn(cspm, 'ApiPosture'),
      sensitiveDataDiscovery:
        isOn(cspm) && extensionOn(cspm, 'SensitiveDataDiscovery'),
    },
    cloudPosture: isOn(cspm),
  };
}
