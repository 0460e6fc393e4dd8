import { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { NotificationService } from '@backstage/plugin-notifications-node';
import {
  NoticeKind,
  onboardingEndedNotice,
  PostureNotice,
  postureChangeNotices,
  staleNotice,
} from '../model/postureNotices';
import { PostureStore } from '../database/PostureStore';
import { formatDuration } from '../config';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';
import { ApiPosture } from '@defender-apis/plugin-defender-apis-common';

/** The topic of every notification the plugin sends. */
export const NOTIFICATION_TOPIC = 'defender-apis';

/** Notifications sent at once: a refresh that finds many changes does not flood the backend. */
const CONCURRENT_SENDS = 4;

/** The kinds a rewrite of a stored posture can reveal (postureChangeNotices). */
const REWRITE_KINDS: readonly NoticeKind[] = [
  'newHighAlert',
  'atRisk',
  'riskyEndpoints',
];

/** The most stale APIs one refresh tells of; the next refreshes tell of the rest. */
const MAX_STALE_NOTICES = 500;

/**
 * Tells the owners of APIs what changed, through Backstage's notifications: the notices a
 * write finds (new high alerts, at risk, more risky endpoints) and onboardings that ended.
 * Each notification names its API's entity page and has a scope per entity and kind, so the
 * next one of the same kind updates it rather than adds one. Sending is best effort: without
 * the notifications backend (or while it fails) the plugin goes on, and says so once in the log
 * until a notification gets through again.
 */
export class PostureNotifier {
  private warned = false;

  constructor(
    private readonly options: {
      notifications: NotificationService;
      logger: LoggerService;
      /** The kinds switched on; an empty set sends nothing. */
      kinds: ReadonlySet<NoticeKind>;
      /** Where stale postures are found. */
      store: Pick<PostureStore, 'stalePostures'>;
      /** How long data may be stale before the owners hear of it. */
      staleAfter: HumanDuration;
    },
  ) {
    const { kinds } = options;
    if (REWRITE_KINDS.some(kind => kinds.has(kind))) {
      this.observe = (before, after) =>
        postureChangeNotices(before, after).filter(n => kinds.has(n.kind));
    }
  }

  /**
   * What a rewrite of a stored posture should tell the owners (the store's observer); absent
   * when no kind a rewrite can reveal is on, so the store reads no replaced posture for nothing.
   */
  readonly observe?: (before: ApiPosture, after: ApiPosture) => PostureNotice[];

  /** Tells the requester and the owners that an onboarding ended, and how. */
  async onboardingEnded(
    ended: Parameters<typeof onboardingEndedNotice>[0],
  ): Promise<void> {
    if (!this.options.kinds.has('onboarding')) return;
    await this.send([onboardingEndedNotice(ended)]);
  }

  /**
   * Tells the owners of APIs whose data has been stale longer than `staleAfter` since about
   * the previous refresh: those last read from Azure between `staleAfter + window` and
   * `staleAfter` ago. With a window of two refresh intervals a late refresh misses none; an API
   * may be told twice, and the second updates the first (same scope).
   */
  async notifyStale(now: Date, windowMs: number): Promise<void> {
    if (!this.options.kinds.has('stale')) return;
    const staleAfterMs = durationToMilliseconds(this.options.staleAfter);
    const to = new Date(now.getTime() - staleAfterMs);
    const from = new Date(to.getTime() - windowMs);
    const stale = await this.options.store.stalePostures(
      from.toISOString(),
      to.toISOString(),
      MAX_STALE_NOTICES,
    );
    const staleFor = formatDuration(this.options.staleAfter);
    await this.send(
      stale
        .filter(p => p.status !== 'conflict' && !p.claimPending)
        .map(p => staleNotice(p, staleFor)),
    );
  }

  /** Sends the notices, a few at a time; a failure is logged, never thrown. */
  async send(notices: readonly PostureNotice[]): Promise<void> {
    const queue = [...notices];
    const worker = async () => {
      for (let notice = queue.shift(); notice; notice = queue.shift()) {
        await this.sendOne(notice);
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(CONCURRENT_SENDS, queue.length) }, worker),
    );
  }

  private async sendOne(notice: PostureNotice): Promise<void> {
    const { kind, namespace, name } = parseEntityRef(notice.entityRef);
    try {
      await this.options.notifications.send({
        // The API's ref reaches the members of its owner groups; a requester is named apart.
        recipients: {
          type: 'entity',
          entityRef: [notice.entityRef, ...(notice.alsoTo ?? [])],
        },
        payload: {
          title: notice.title,
          description: notice.description,
          link: `/catalog/${namespace}/${kind.toLowerCase()}/${name}`,
          severity: notice.severity,
          topic: NOTIFICATION_TOPIC,
          scope: `${NOTIFICATION_TOPIC}:${notice.kind}:${notice.entityRef}`,
        },
      });
      this.warned = false;
    } catch (error) {
      if (this.warned) return;
      this.warned = true;
      this.options.logger.warn(
        'Could not send a Defender for APIs notification; is the notifications backend installed? The plugin works on without it',
        { kind: notice.kind, error: String(error) },
      );
    }
  }
}
