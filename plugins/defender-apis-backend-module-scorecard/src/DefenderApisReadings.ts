import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import {
  DefenderApisClient,
  describeBackendFailure,
  PostureCounts,
  PostureStatus,
  postureListPages,
} from '@defender-apis/plugin-defender-apis-common';

/** Plugin id of the Defender for APIs backend the readings come from. */
const DEFENDER_APIS_PLUGIN_ID = 'defender-apis';

/** Who the errors of a failed read name. */
const READER = 'Defender for APIs scorecard metrics';

/**
 * How long one reading serves every metric provider: the scorecard backend asks for one
 * entity at a time, so a pull over 10,000 entities reads the backend once a minute at most,
 * not 10,000 times.
 */
const DEFAULT_MAX_AGE_MS = 60_000;

/**
 * What the metrics of one API entity need from its posture, kept instead of the whole posture
 * so a catalog-wide reading stays small.
 */
export interface ApiReading {
  /** The posture status. */
  status: PostureStatus;
  /** Why the API has this status, as the Defender for APIs backend says it. */
  reason?: string;
  /** Endpoints without authentication; absent when Defender has no endpoint data. */
  unauthenticatedEndpoints?: number;
  /** Active alerts of high severity. */
  activeHighAlerts: number;
}

/** A value read at most once per max age, shared by its concurrent callers. */
class SharedReading<T> {
  private current?: { value: Promise<T>; readAt: number };

  constructor(
    private readonly read: () => Promise<T>,
    private readonly maxAgeMs: number,
    private readonly now: () => number,
  ) {}

  get(): Promise<T> {
    const now = this.now();
    if (!this.current || now - this.current.readAt >= this.maxAgeMs) {
      // A failed read is kept as long as a good one, so a pull whose every entity would ask
      // again while the backend is down asks once a minute instead.
      this.current = { value: this.read(), readAt: now };
      this.current.value.catch(() => undefined);
    }
    return this.current.value;
  }
}

/**
 * Reads the Defender for APIs backend for the scorecard metrics, with the scorecard plugin's
 * service credentials: every API posture (`GET /posture`, all pages) and the counts per owner,
 * system and domain (`GET /summary`), each at most once a minute whatever the number of
 * entities and providers asking.
 */
export class DefenderApisReadings {
  private readonly client: DefenderApisClient;
  private readonly apis: SharedReading<Map<string, ApiReading>>;
  private readonly counts: SharedReading<Map<string, PostureCounts>>;

  constructor(
    private readonly options: {
      discovery: DiscoveryService;
      auth: AuthService;
      maxAgeMs?: number;
      now?: () => number;
    },
  ) {
    this.client = new DefenderApisClient({ discoveryApi: options.discovery });
    const maxAgeMs = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
    const now = options.now ?? Date.now;
    this.apis = new SharedReading(() => this.readApis(), maxAgeMs, now);
    this.counts = new SharedReading(() => this.readCounts(), maxAgeMs, now);
  }

  /** The reading of an API entity; undefined when the backend lists no posture for it. */
  async api(entityRef: string): Promise<ApiReading | undefined> {
    return (await this.apis.get()).get(entityRef.toLowerCase());
  }

  /**
   * The counts of the APIs a group or user owns, or a system or domain holds; undefined when
   * it has none.
   */
  async countsOf(entityRef: string): Promise<PostureCounts | undefined> {
    return (await this.counts.get()).get(entityRef.toLowerCase());
  }

  private async requestOptions() {
    return this.options.auth.getPluginRequestToken({
      onBehalfOf: await this.options.auth.getOwnServiceCredentials(),
      targetPluginId: DEFENDER_APIS_PLUGIN_ID,
    });
  }

  private async readApis(): Promise<Map<string, ApiReading>> {
    const readings = new Map<string, ApiReading>();
    try {
      for await (const page of postureListPages(this.client, {
        requestOptions: () => this.requestOptions(),
      })) {
        for (const posture of page.items ?? []) {
          readings.set(posture.entityRef.toLowerCase(), {
            status: posture.status,
            reason: posture.reason,
            unauthenticatedEndpoints: posture.endpoints?.unauthenticated,
            activeHighAlerts: posture.alerts?.bySeverity?.high ?? 0,
          });
        }
      }
    } catch (error) {
      throw describeBackendFailure(
        READER,
        `GET /api/${DEFENDER_APIS_PLUGIN_ID}/posture`,
        error,
      );
    }
    return readings;
  }

  private async readCounts(): Promise<Map<string, PostureCounts>> {
    const summary = await this.client
      .getSummary({}, await this.requestOptions())
      .catch(error => {
        throw describeBackendFailure(
          READER,
          `GET /api/${DEFENDER_APIS_PLUGIN_ID}/summary`,
          error,
        );
      });
    const counts = new Map<string, PostureCounts>();
    for (const group of [summary.byOwner, summary.bySystem, summary.byDomain]) {
      for (const [ref, value] of Object.entries(group ?? {})) {
        counts.set(ref.toLowerCase(), value);
      }
    }
    return counts;
  }
}
