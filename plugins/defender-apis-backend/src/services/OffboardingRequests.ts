import {
  AuditorService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  ApiPosture,
  ONBOARDED_STATUSES,
} from '@defender-apis/plugin-defender-apis-common';
import { Request } from 'express';
import { DefenderAzureApi } from '../azure/DefenderAzureClient';
import { describeAzureError } from '../azure/describeAzureError';
import { OffboardingStore } from '../database/OffboardingStore';
import { claimedApiKey } from '../model/claims';
import { OnboardAccess } from '../permissions/OnboardAccess';
import { PostureService } from './PostureService';
import { ServiceDirectory } from './ServiceDirectory';
import { withTenant } from './withTenant';

/** What an offboarding request came to: whether this request removed the API's collection. */
export interface OffboardingResult {
  /** True when this request's DELETE removed it; false when nothing was to do or another request runs it. */
  offboarded: boolean;
  /** False while another request runs the offboarding (answered 202). */
  finished: boolean;
  posture: ApiPosture;
}

/** What an offboarding came to, for the audit log. */
function outcomeOf(result: OffboardingResult): string {
  if (result.offboarded) return 'offboarded';
  return result.finished ? result.posture.status : 'alreadyRunning';
}

/**
 * Microsoft: APIs that Defender CSPM's API posture covers cannot be offboarded one by one.
 * Where the extension is turned off, as the portal names it.
 */
const POSTURE_ONLY_REFUSAL =
  "Defender CSPM's API posture covers every API of the subscription and cannot be offboarded one by one; to stop it for all of them, a subscription owner turns off the API posture extension in Microsoft Defender for Cloud › Environment settings › the subscription › Defender CSPM › Settings.";

/**
 * Offboards an API from Defender for APIs when a user asks: who may (the entity's owners by
 * default, `defender-apis.api.offboard`), whether the API is onboarded, audited with the
 * caller. The DELETE runs in the request (ARM answers it at once); a claim in the database
 * makes one DELETE for any storm of requests across replicas, and the stored posture is
 * written again as soon as it succeeded. A failure leaves the posture as it was.
 */
export class OffboardingRequests {
  constructor(
    private readonly options: {
      auditor: AuditorService;
      logger: LoggerService;
      azure: Pick<DefenderAzureApi, 'offboard'>;
      store: OffboardingStore;
      postures: Pick<
        PostureService,
        'getPosture' | 'seenBy' | 'afterOffboarding'
      >;
      access: Pick<OnboardAccess, 'decide'>;
      /** The APIM services, for the tenant of each. */
      directory: Pick<ServiceDirectory, 'services'>;
    },
  ) {}

  async offboard(
    entity: Entity,
    credentials: BackstageCredentials<{ type: 'user'; userEntityRef: string }>,
    request?: Request,
  ): Promise<OffboardingResult> {
    const { auditor } = this.options;
    const entityRef = stringifyEntityRef(entity);
    const event = await auditor.createEvent({
      eventId: 'api-offboard',
      // Ends threat detection for the API: more than an onboarding.
      severityLevel: 'high',
      request,
      meta: { entityRef },
    });
    try {
      const result = await this.run(entity, credentials);
      await event.success({
        meta: {
          outcome: outcomeOf(result),
          ...(result.posture.api
            ? { apiResourceId: claimedApiKey(result.posture.api.resourceId) }
            : {}),
        },
      });
      return result;
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  }

  private async run(
    entity: Entity,
    credentials: BackstageCredentials<{ type: 'user'; userEntityRef: string }>,
  ): Promise<OffboardingResult> {
    const { access, postures, store } = this.options;
    const entityRef = stringifyEntityRef(entity);
    const [verdict] = await access.decide([entityRef], credentials, 'offboard');
    if (!verdict(entity)) {
      throw new NotAllowedError(
        `Only the owners of ${entityRef} may offboard it from Defender for APIs`,
      );
    }
    // A refusal names only the entities the caller may see.
    const posture = await postures.seenBy(
      await postures.getPosture(entity),
      credentials,
    );
    if (posture.status === 'notOnboarded') {
      // Nothing to remove: a repeated request (a second tab, a retry) is answered as done.
      return { offboarded: false, finished: true, posture };
    }
    this.refuseUnlessOnboarded(entityRef, posture);
    const api = posture.api!;
    const lease = await store.claim({
      apiKey: claimedApiKey(api.resourceId),
      entityRef,
      requestedBy: credentials.principal.userEntityRef,
      requestedAt: new Date().toISOString(),
      factsReadAt: posture.refreshedAt ?? '',
    });
    if (!lease) return { offboarded: false, finished: false, posture };

    const target = withTenant(await this.options.directory.services(), {
      subscriptionId: api.subscriptionId,
      resourceGroup: api.resourceGroup,
      serviceName: api.serviceName,
      apiId: api.apiId,
    });
    try {
      await this.options.azure.offboard(target);
    } catch (error) {
      const reason = describeAzureError(
        error,
        `the offboarding of ${api.apiId}`,
      );
      await store.finish(lease, { state: 'failed', error: reason });
      throw new ServiceUnavailableError(
        `${entityRef} was not offboarded, its posture is unchanged: ${reason}`,
      );
    }
    await store.finish(lease, { state: 'succeeded' });
    this.options.logger.info('Offboarded API from Defender for APIs', {
      entityRef,
      apiResourceId: lease.apiKey,
      requestedBy: credentials.principal.userEntityRef,
    });
    return {
      offboarded: true,
      finished: true,
      posture: await postures.seenBy(
        await postures.afterOffboarding(entity),
        credentials,
      ),
    };
  }

  /** Throws the error a request answers with when the API is not onboarded by the plan. */
  private refuseUnlessOnboarded(entityRef: string, posture: ApiPosture): void {
    if (
      ONBOARDED_STATUSES.includes(posture.status) &&
      !posture.claimPending &&
      posture.api
    )
      return;
    switch (posture.status) {
      case 'unmapped':
        throw new InputError(
          `${entityRef} is not mapped to an API Management API: ${posture.reason}`,
        );
      case 'postureOnly':
        throw new ConflictError(
          `${entityRef} cannot be offboarded: ${POSTURE_ONLY_REFUSAL}`,
        );
      case 'onboarding':
        throw new ConflictError(
          `${entityRef} cannot be offboarded while its onboarding runs; try again when it has finished`,
        );
      case 'error':
        throw new ServiceUnavailableError(
          `The state of ${entityRef} in Azure is unknown, try again later: ${posture.reason}`,
        );
      default:
        throw new ConflictError(
          `${entityRef} cannot be offboarded: ${
            posture.reason ?? 'it is not onboarded to Defender for APIs'
          }`,
        );
    }
  }
}
