import {
  FactRetriever,
  FactRetrieverContext,
  TechInsightFact,
} from '@backstage-community/plugin-tech-insights-node';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  ApiPosture,
  CoverageKind,
  coverageKindOf,
  DefenderApisClient,
  describeBackendFailure,
  isApplicableStatus,
  isOnboardedStatus,
  postureListPages,
  wholeDaysBetween,
} from '@defender-apis/plugin-defender-apis-common';

/**
 * Id of the Defender for APIs fact retriever; checks name it in their `factIds`, and the
 * tech-insights backend reads its schedule from `techInsights.factRetrievers.<id>`.
 *
 * @public
 */
export const DEFENDER_APIS_FACT_RETRIEVER_ID = 'defenderApisFactRetriever';

/** Plugin id of the Defender for APIs backend, whose `GET /posture` the retriever reads. */
const DEFENDER_APIS_PLUGIN_ID = 'defender-apis';

/**
 * The facts the retriever stores for each API entity.
 *
 * @public
 */
export type DefenderApisFacts = {
  /** The posture status, e.g. `protected`, `atRisk`, `notOnboarded`. */
  defenderApisStatus: string;
  /** Whether the API is onboarded to Defender for APIs (protected, at risk or awaiting data). */
  defenderApisOnboarded: boolean;
  /** Whether the API counts towards coverage (false when not applicable or not mapped). */
  defenderApisApplicable: boolean;
  /** Endpoints without authentication; 0 when Defender has no endpoint data for the API. */
  defenderApisUnauthenticatedEndpoints: number;
  /** Endpoints exposing sensitive data; 0 when Defender has no endpoint data for the API. */
  defenderApisSensitiveDataEndpoints: number;
  /** Active security alerts mapped to the API. */
  defenderApisActiveAlerts: number;
  /** Active security alerts of high severity. */
  defenderApisActiveHighAlerts: number;
  /** True when the last refresh of the API's data from Azure failed. */
  defenderApisStale: boolean;
  /** Which coverage the API has; see {@link @defender-apis/plugin-defender-apis-common#CoverageKind}. */
  defenderApisCoverage: CoverageKind;
  /**
   * Whole days the API has been at risk (since its posture's `statusSince`); 0 when it is not
   * at risk, or its status has no time.
   */
  defenderApisDaysAtRisk: number;
};

/**
 * The facts of one posture, as stored by {@link defenderApisFactRetriever}.
 *
 * @public
 */
export function postureToFacts(
  posture: ApiPosture,
  now: Date = new Date(),
): DefenderApisFacts {
  return {
    defenderApisStatus: posture.status,
    defenderApisOnboarded: isOnboardedStatus(posture.status),
    defenderApisApplicable: isApplicableStatus(posture.status),
    defenderApisUnauthenticatedEndpoints:
      posture.endpoints?.unauthenticated ?? 0,
    defenderApisSensitiveDataEndpoints:
      posture.endpoints?.sensitiveDataExposed ?? 0,
    defenderApisActiveAlerts: posture.alerts?.active ?? 0,
    defenderApisActiveHighAlerts: posture.alerts?.bySeverity?.high ?? 0,
    defenderApisStale: posture.stale === true,
    defenderApisCoverage: coverageKindOf(posture.status),
    defenderApisDaysAtRisk:
      posture.status === 'atRisk' && posture.statusSince
        ? wholeDaysBetween(posture.statusSince, now)
        : 0,
  };
}

/**
 * Reads every posture from the Defender for APIs backend's `GET /posture`, in pages of 500
 * following `nextCursor`, with the tech-insights plugin's service credentials.
 *
 * @public
 */
export async function readAllPostures(
  ctx: Pick<FactRetrieverContext, 'discovery' | 'auth'>,
): Promise<ApiPosture[]> {
  const client = new DefenderApisClient({ discoveryApi: ctx.discovery });
  const postures: ApiPosture[] = [];
  try {
    for await (const page of postureListPages(client, {
      requestOptions: async () =>
        ctx.auth.getPluginRequestToken({
          onBehalfOf: await ctx.auth.getOwnServiceCredentials(),
          targetPluginId: DEFENDER_APIS_PLUGIN_ID,
        }),
    })) {
      postures.push(...(page.items ?? []));
    }
  } catch (error) {
    throw describeBackendFailure(
      'Defender for APIs fact retriever',
      `GET /api/${DEFENDER_APIS_PLUGIN_ID}/posture`,
      error,
    );
  }
  return postures;
}

/**
 * Tech Insights fact retriever for API entities: their Microsoft Defender for APIs status,
 * whether they are onboarded or applicable, risky endpoint counts, active alerts and staleness,
 * read from the Defender for APIs backend (never from Azure).
 *
 * @public
 */
export const defenderApisFactRetriever: FactRetriever = {
  id: DEFENDER_APIS_FACT_RETRIEVER_ID,
  version: '0.3.0',
  title: 'Defender for APIs',
  description:
    'Microsoft Defender for APIs posture of API entities, as the Defender for APIs backend last read it',
  entityFilter: [{ kind: 'API' }],
  schema: {
    defenderApisStatus: {
      type: 'string',
      description:
        'Posture status: protected, atRisk, awaitingData, postureOnly, onboarding, notOnboarded, planDisabled, notApplicable, unmapped, conflict or error',
    },
    defenderApisOnboarded: {
      type: 'boolean',
      description:
        'The API is onboarded to Defender for APIs (protected, at risk or awaiting data)',
    },
    defenderApisApplicable: {
      type: 'boolean',
      description:
        'The API counts towards coverage (false when not applicable or not mapped to API Management)',
    },
    defenderApisUnauthenticatedEndpoints: {
      type: 'integer',
      description: 'Endpoints without authentication (0 without endpoint data)',
    },
    defenderApisSensitiveDataEndpoints: {
      type: 'integer',
      description:
        'Endpoints exposing sensitive data (0 without endpoint data)',
    },
    defenderApisActiveAlerts: {
      type: 'integer',
      description: 'Active security alerts mapped to the API',
    },
    defenderApisActiveHighAlerts: {
      type: 'integer',
      description: 'Active security alerts of high severity',
    },
    defenderApisStale: {
      type: 'boolean',
      description: 'The last refresh of the data from Azure failed',
    },
    defenderApisCoverage: {
      type: 'string',
      description:
        'threatProtection (onboarded to Defender for APIs), postureOnly (Defender CSPM API posture, no threat detection) or none',
    },
    defenderApisDaysAtRisk: {
      type: 'integer',
      description:
        'Whole days the API has been at risk; 0 when it is not at risk',
    },
  },
  async handler(ctx: FactRetrieverContext): Promise<TechInsightFact[]> {
    const postures = await readAllPostures(ctx);
    const facts = postures.map(posture => {
      const { kind, namespace, name } = parseEntityRef(posture.entityRef);
      return {
        entity: { kind, namespace, name },
        facts: postureToFacts(posture),
      };
    });
    ctx.logger.info(
      `Read Defender for APIs facts of ${facts.length} API entities`,
    );
    return facts;
  },
};
