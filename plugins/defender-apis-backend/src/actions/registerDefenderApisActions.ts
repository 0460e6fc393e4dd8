import { AuthService } from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { NotAllowedError } from '@backstage/errors';
import { apiEntityRefFromString } from '../model/apiEntityRef';
import { selectedStatuses } from '../model/postureQuery';
import { OnboardingRequests } from '../services/OnboardingRequests';
import { PostureService } from '../services/PostureService';
import {
  entityRefInput,
  listInput,
  postureOutput,
  withOtherFields,
} from './schemas';

/** What the actions use of the plugin: the same services the routes use. */
export interface DefenderApisActionsOptions {
  actionsRegistry: ActionsRegistryService;
  auth: AuthService;
  postures: Pick<
    PostureService,
    'getEntityPosture' | 'getEntity' | 'listPostures'
  >;
  onboarding: Pick<OnboardingRequests, 'request'>;
}

/** The page size of `list-apis` when the agent gives none: small answers suit a model. */
const DEFAULT_LIST_LIMIT = 25;

/**
 * Registers the plugin's actions with the actions registry, where agents reach them (for
 * example through the MCP actions backend): `get-api-posture` and `list-apis` read,
 * `onboard-api` onboards. Each runs as its caller, through the services the HTTP routes use,
 * so it sees only the entities the caller may read and decides onboarding as the button does.
 * The registry takes an action without attributes for a destructive one, so every action sets
 * them.
 */
export function registerDefenderApisActions(
  options: DefenderApisActionsOptions,
): void {
  const { actionsRegistry, auth, postures, onboarding } = options;

  actionsRegistry.register({
    name: 'get-api-posture',
    title: 'Get the Defender for APIs posture of an API',
    description:
      'Reads the Microsoft Defender for APIs posture of one API entity of the catalog, as last read from Azure: whether it is onboarded and protected, its unauthenticated, unused, external and sensitive-data endpoints, active security alerts by severity, open recommendations and the subscription plan. Answers only for entities the caller may read.',
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z => z.object({ entityRef: entityRefInput(z) }),
      output: z => z.object({ posture: postureOutput(z) }),
    },
    async action({ input, credentials }) {
      const { posture } = await postures.getEntityPosture(
        apiEntityRefFromString(input.entityRef, 'entityRef'),
        credentials,
      );
      return { output: { posture: withOtherFields(posture) } };
    },
  });

  actionsRegistry.register({
    name: 'list-apis',
    title: 'List APIs with their Defender for APIs posture',
    description:
      'Lists the API entities of the catalog the caller may read with their Microsoft Defender for APIs posture, filtered by owner, system, domain, lifecycle, status, coverage or text, sorted and paged (follow nextCursor). For example the at-risk APIs of a team: owner ["group:default/team-payments"], status ["atRisk"].',
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: listInput,
      output: z =>
        z
          .object({
            items: z.array(postureOutput(z)),
            totalItems: z.number(),
            nextCursor: z
              .string()
              .optional()
              .describe('Give as cursor for the next page'),
            pending: z
              .number()
              .optional()
              .describe(
                'API entities not read yet (new in the catalog); no page lists them',
              ),
          })
          .passthrough(),
    },
    async action({ input, credentials }) {
      const { coverage, ...filters } = input;
      const list = await postures.listPostures(
        {
          ...filters,
          status: selectedStatuses(input.status, coverage),
          sort: input.sort ?? 'name',
          order: input.order ?? 'asc',
          limit: input.limit ?? DEFAULT_LIST_LIMIT,
        },
        credentials,
      );
      return {
        output: withOtherFields({
          ...list,
          items: list.items.map(withOtherFields),
        }),
      };
    },
  });

  actionsRegistry.register({
    name: 'onboard-api',
    title: 'Onboard an API to Defender for APIs',
    description:
      "Onboards the API Management API of one API entity to Microsoft Defender for APIs, as the entity card's Onboard button does: only a user who owns the entity (or whom the permission policy allows) may, and the change in Azure is paced and audited. Answers the posture (onboarding while Azure works) and whether this call started it.",
    // Changes Azure (protection, billing, the APIM instance's load); asking again is harmless.
    attributes: { readOnly: false, destructive: true, idempotent: true },
    schema: {
      input: z => z.object({ entityRef: entityRefInput(z) }),
      output: z =>
        z.object({
          started: z
            .boolean()
            .describe('Whether this call started an onboarding'),
          posture: postureOutput(z),
        }),
    },
    async action({ input, credentials }) {
      if (!auth.isPrincipal(credentials, 'user')) {
        throw new NotAllowedError(
          'Only a user can onboard an API: the Defender for APIs backend decides it by the user who asks, and a service has none',
        );
      }
      const entity = await postures.getEntity(
        apiEntityRefFromString(input.entityRef, 'entityRef'),
        credentials,
      );
      const { started, posture } = await onboarding.request(
        entity,
        credentials,
      );
      return { output: { started, posture: withOtherFields(posture) } };
    },
  });
}
