import { demoScenario, Scenario } from '@defender-apis/arm-emulator';
import { SUB_B } from './harness';

/** The retail subscription (Defender for APIs plan off) with plans and a collection as given. */
export function retailWith(options: {
  apisPlan?: boolean;
  cspm?: boolean;
  apiPosture?: boolean;
  sensitiveDataDiscovery?: boolean;
}): Scenario {
  const scenario = structuredClone(demoScenario());
  const retail = scenario.subscriptions.find(s => s.subscriptionId === SUB_B)!;
  retail.pricings = [
    {
      name: 'Api',
      pricingTier: options.apisPlan ? 'Standard' : 'Free',
      ...(options.apisPlan ? { subPlan: 'P1' } : {}),
    },
    {
      name: 'CloudPosture',
      pricingTier: options.cspm ? 'Standard' : 'Free',
      extensions: [
        { name: 'ApiPosture', isEnabled: !!options.apiPosture },
        {
          name: 'SensitiveDataDiscovery',
          isEnabled: !!options.sensitiveDataDiscovery,
        },
      ],
    },
  ];
  // Defender CSPM onboards APIs itself: orders-api has its collection.
  const orders = retail.services[0].apis.find(a => a.name === 'orders-api')!;
  orders.collection = {
    numberOfApiEndpoints: 9,
    numberOfUnauthenticatedApiEndpoints: 2,
    numberOfInactiveApiEndpoints: 1,
    numberOfExternalApiEndpoints: 3,
    numberOfApiEndpointsWithSensitiveDataExposed: 0,
  };
  return scenario;
}
