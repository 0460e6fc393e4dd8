/**
 * Test helpers for code that reads Microsoft Defender for APIs postures: modules, scripts and
 * plugins that consume the Defender for APIs backend.
 *
 * @packageDocumentation
 */
// Through the package's main entry, as its users import them: the types stay that entry's.
import {
  ApiPosture,
  PostureStatus,
} from '@defender-apis/plugin-defender-apis-common';

/**
 * A posture as the Defender for APIs backend answers it, with no findings: no endpoint data,
 * no alerts, no recommendations, fresh. `entity` is an entity ref, or an API's name in the
 * default namespace; `extra` sets any other field.
 *
 * @public
 */
export function mockApiPosture(
  entity: string,
  status: PostureStatus = 'protected',
  extra: Partial<ApiPosture> = {},
): ApiPosture {
  return {
    entityRef: entity.includes(':') ? entity : `api:default/${entity}`,
    status,
    owners: ['group:default/team-a'],
    alerts: {
      active: 0,
      bySeverity: { high: 0, medium: 0, low: 0, informational: 0 },
      items: [],
    },
    recommendations: [],
    stale: false,
    ...extra,
  };
}
