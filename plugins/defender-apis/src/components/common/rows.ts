/**
 * The posture table's rows: one flat object per API with the values the table shows and the
 * CSV exports. Pure, so it is tested without rendering.
 */
import { parseEntityRef } from '@backstage/catalog-model';
import {
  ApiPosture,
  PostureStatus,
} from '@defender-apis/plugin-defender-apis-common';
import { STATUS_PRESENTATION } from './PostureStatusHeadline';

/** One row of the posture table. */
export interface PostureRow {
  /** The entity ref, also the row id. */
  entityRef: string;
  /** What people call the API: entity title, else APIM display name, else entity name. */
  name: string;
  status: PostureStatus;
  statusLabel: string;
  /** Entity refs of the owners. */
  owners: string[];
  /** Entity ref of the system, when the API is part of one. */
  system?: string;
  /** Entity ref of the system's domain, when it has one. */
  domain?: string;
  lifecycle?: string;
  serviceName?: string;
  apiId?: string;
  /** Endpoint counts; absent when Defender for APIs has reported none (yet). */
  endpointsTotal?: number;
  unauthenticated?: number;
  sensitiveDataExposed?: number;
  activeAlerts: number;
  highAlerts: number;
  openRecommendations: number;
  /** Defender CSPM attack paths through the API; absent when they are not known. */
  attackPaths?: number;
  /** `On P1`, `On`, `Off`, or absent when the plan does not concern the API. */
  plan?: string;
  refreshedAt?: string;
  stale: boolean;
  posture: ApiPosture;
}

function entityName(entityRef: string): string {
  try {
    return parseEntityRef(entityRef).name;
  } catch {
    return entityRef;
  }
}

function planText(posture: ApiPosture): string | undefined {
  if (!posture.plan) return undefined;
  if (!posture.plan.enabled) return 'Off';
  return posture.plan.subPlan ? `On ${posture.plan.subPlan}` : 'On';
}

/** The table row of one posture; the posture carries the catalog facts (owners, title, system). */
export function toPostureRow(posture: ApiPosture): PostureRow {
  // Zero endpoints right after onboarding means "not reported yet", not "none unauthenticated".
  const endpoints =
    posture.status === 'awaitingData' ? undefined : posture.endpoints;
  return {
    entityRef: posture.entityRef,
    name:
      posture.title ??
      posture.api?.displayName ??
      entityName(posture.entityRef),
    status: posture.status,
    statusLabel: STATUS_PRESENTATION[posture.status].label,
    owners: posture.owners,
    system: posture.system,
    domain: posture.domain,
    lifecycle: posture.lifecycle,
    serviceName: posture.api?.serviceName,
    apiId: posture.api?.apiId,
    endpointsTotal: endpoints?.total,
    unauthenticated: endpoints?.unauthenticated,
    // Not scanned is not zero: left empty.
    sensitiveDataExposed:
      endpoints?.sensitiveDataScanned === false
        ? undefined
        : endpoints?.sensitiveDataExposed,
    activeAlerts: posture.alerts.active,
    highAlerts: posture.alerts.bySeverity.high,
    openRecommendations: posture.recommendations.length,
    ...(posture.attackPaths?.available
      ? { attackPaths: posture.attackPaths.items.length }
      : {}),
    plan: planText(posture),
    refreshedAt: posture.refreshedAt,
    stale: posture.stale,
    posture,
  };
}
