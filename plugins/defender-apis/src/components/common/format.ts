/**
 * Small pure formatters shared by the card's parts, kept apart so they are tested without
 * rendering.
 */
import { parseEntityRef } from '@backstage/catalog-model';
import { humanizeEntityRef } from '@backstage/plugin-catalog-react';
import { PlanInfo } from '@defender-apis/plugin-defender-apis-common';

/** `1 endpoint`, `2 endpoints`. */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

const CALLS = new Intl.NumberFormat('en', {
  notation: 'compact',
  maximumFractionDigits: 2,
});

/** API call counts as plans state them: `900`, `40K`, `1.25M`, `1B`. */
export function formatCalls(count: number): string {
  return CALLS.format(count);
}

/**
 * An owner, system or domain ref as people say it: `group:default/team-payments` becomes
 * `team-payments`; a namespace other than `default` is kept (`group:ops/team-x` becomes
 * `ops/team-x`).
 */
export function humanizeRef(ref: string): string {
  try {
    const parsed = parseEntityRef(ref, { defaultKind: 'group' });
    // Catalog's own humanizer; the kind is dropped whatever it is (the column or filter says it).
    return humanizeEntityRef(parsed, { defaultKind: parsed.kind });
  } catch {
    // Not a parseable ref: show what the backend sent rather than nothing.
    return ref;
  }
}

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/**
 * `12 minutes ago`, `yesterday`, `just now`; an unparseable time is returned as given.
 *
 * @param iso - an ISO 8601 time
 * @param now - the current time in milliseconds, for tests
 */
export function formatRelativeTime(
  iso: string,
  now: number = Date.now(),
): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  const seconds = Math.round((time - now) / 1000);
  const format = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) {
      return format.format(Math.trunc(seconds / size), unit);
    }
  }
  return 'just now';
}

/**
 * A day as people say it, in UTC like the backend's history: `12 Nov`, with the year when it is
 * not this year's (`12 Nov 2025`); an unparseable time is returned as given.
 *
 * @param time - an ISO 8601 time or a `YYYY-MM-DD` day
 * @param now - the current time in milliseconds, for tests
 */
export function formatDay(time: string, now: number = Date.now()): string {
  const date = new Date(
    /^\d{4}-\d{2}-\d{2}$/.test(time) ? `${time}T00:00:00Z` : time,
  );
  if (Number.isNaN(date.getTime())) return time;
  const sameYear = date.getUTCFullYear() === new Date(now).getUTCFullYear();
  return date.toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    ...(sameYear ? {} : { year: 'numeric' }),
    timeZone: 'UTC',
  });
}

/**
 * The message to show for a failed request: the backend's own message (carried as the
 * `cause` of a `ResponseError`) says more than "Request failed with 403 Forbidden".
 */
export function errorMessage(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error && cause.message) return cause.message;
  if (
    typeof cause === 'object' &&
    cause !== null &&
    typeof (cause as { message?: unknown }).message === 'string'
  ) {
    return (cause as { message: string }).message;
  }
  return error.message;
}

/**
 * How a subscription's API traffic of the last 30 days fits its plan, e.g. `1.25M of 1M calls
 * in P1 — exceeds the plan; move to P2`. Undefined when the plan is off or the backend could
 * not tell.
 */
export function planTrafficText(
  plan: PlanInfo | undefined,
): string | undefined {
  const traffic = plan?.enabled ? plan.traffic : undefined;
  if (!traffic) return undefined;
  const of =
    traffic.entitlement !== undefined
      ? ` of ${formatCalls(traffic.entitlement)}`
      : '';
  const inPlan = plan?.subPlan ? ` in ${plan.subPlan}` : '';
  const calls = `${formatCalls(
    traffic.requestsLast30Days,
  )}${of} calls${inPlan}`;
  switch (traffic.verdict) {
    case 'exceeds':
      return `${calls} — exceeds the plan${
        traffic.suggestedPlan ? `; move to ${traffic.suggestedPlan}` : ''
      }`;
    case 'smallerPlanFits':
      return `${calls} — fits a smaller plan${
        traffic.suggestedPlan ? ` (${traffic.suggestedPlan})` : ''
      }`;
    default:
      return `${calls} — fits the plan`;
  }
}

/** Where an API's Defender resource lives, as dialogs say it: `at its API Management service "x"`. */
export function atServiceText(serviceName?: string): string {
  return serviceName
    ? `at its API Management service "${serviceName}"`
    : 'at its API Management service';
}
