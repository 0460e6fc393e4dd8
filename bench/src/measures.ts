/**
 * The benchmark's measures and their goals (the goals are set for 10,000 API entities; smaller
 * sizes are held to the same ones, which the per-size figures show). Every measure has the
 * same shape in the JSON results: value, baseline, ratio (value / baseline), goal, met.
 */

/** One measured figure with what it is compared to and its goal. */
export interface Measure {
  /** What is measured, for people. */
  label: string;
  unit: 'ms' | 'MB' | 'requests';
  value: number;
  /** What the value is compared with, or null when the goal is absolute. */
  baseline: number | null;
  /** value / baseline, or null without a baseline. */
  ratio: number | null;
  /** The goal, in words. */
  goal: string;
  met: boolean;
  /** Supporting figures (p50s, sample counts, request breakdowns). */
  detail?: Record<string, unknown>;
}

/** The measures of one size, keyed as in the JSON results and in this order in the table. */
export const MEASURE_KEYS = [
  'refresh.armRequests',
  'refresh.wallTime',
  'refresh.wallTimeWithArmLatency',
  'refresh.longestHealthAnswer',
  'refresh.longestHealthAnswerWithArmLatency',
  'refresh.memoryGrowth',
  'refresh.historyWrite',
  'card.c1',
  'card.c16',
  'card.c64',
  'summary.c1',
  'summary.c8',
  'list.c1',
  'list.c8',
  'historyOwner.c1',
  'historyOwner.c8',
  'historyCatalog.c1',
  'historyCatalog.c8',
  'firstViews.armRequests',
  'catalogPass.armRequests',
  'catalogPass.timeToSummary',
] as const;

export type MeasureKey = (typeof MEASURE_KEYS)[number];

/** Goal figures (docs/benchmarks.md explains each). */
export const GOALS = {
  /** A refresh makes at least this many times fewer ARM requests than 3 per API. */
  refreshArmReduction: 100,
  perEntityArmRequests: 3,
  refreshWallMs: 5_000,
  refreshWallWithLatencyMs: 15_000,
  /** Added to every ARM request for the "with latency" refresh. */
  addedArmLatencyMs: 100,
  longestHealthMs: 100,
  memoryGrowthMb: 150,
  cardVsByName: 1.25,
  listVsFacets: 2,
  /** The day's history snapshots take at most this share of a refresh's wall time. */
  historyWriteShareOfRefresh: 0.1,
  firstViewEntities: 20,
  /** A new API entity is in `GET /summary` within this time of the catalog serving it. */
  catalogPassWithinMs: 60_000,
} as const;

function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** A measure with an absolute upper bound (`value < max`). */
export function belowMeasure(
  label: string,
  unit: Measure['unit'],
  value: number,
  max: number,
  detail?: Record<string, unknown>,
): Measure {
  return {
    label,
    unit,
    value: round(value),
    baseline: null,
    ratio: null,
    goal: `< ${max} ${unit}`,
    met: value < max,
    detail,
  };
}

/** A latency comparison: p99 of our route over p99 of the catalog's, at most `maxRatio`. */
export function latencyRatioMeasure(
  label: string,
  ours: { p50: number; p99: number; samples: number; errors: number },
  theirs: { p50: number; p99: number; samples: number; errors: number },
  maxRatio: number,
  baselineName: string,
): Measure {
  const ratio = ours.p99 / theirs.p99;
  return {
    label,
    unit: 'ms',
    value: round(ours.p99),
    baseline: round(theirs.p99),
    ratio: round(ratio),
    goal: `p99 <= ${maxRatio}x ${baselineName}'s p99`,
    met: ratio <= maxRatio && ours.errors === 0,
    detail: {
      p50: round(ours.p50),
      baselineP50: round(theirs.p50),
      samples: ours.samples,
      baselineSamples: theirs.samples,
      errors: ours.errors,
      baselineErrors: theirs.errors,
    },
  };
}

/** ARM requests of one full refresh against the per-entity baseline of 3 per API. */
export function refreshArmMeasure(
  requests: number,
  apis: number,
  isLowerBound: boolean,
  breakdown: Record<string, number>,
): Measure {
  const baseline = apis * GOALS.perEntityArmRequests;
  const ratio = requests / baseline;
  return {
    label: `ARM requests per full refresh vs ${GOALS.perEntityArmRequests} per API`,
    unit: 'requests',
    value: requests,
    baseline,
    ratio: round(ratio, 4),
    goal: `>= ${GOALS.refreshArmReduction}x fewer than the baseline (ratio <= ${
      1 / GOALS.refreshArmReduction
    })`,
    met: !isLowerBound && ratio <= 1 / GOALS.refreshArmReduction,
    detail: {
      ...(isLowerBound ? { lowerBound: true } : {}),
      byKind: breakdown,
    },
  };
}

/** ARM requests caused by first views of never-read entities: at most 3 per entity. */
export function firstViewMeasure(
  requests: number,
  entities: number,
  detail: {
    byKind: Record<string, number>;
    postureStatuses: Record<string, number>;
    secondsSinceLastRefresh: number;
  },
): Measure {
  return perEntityArmMeasure(
    `ARM requests of ${entities} concurrent first views`,
    requests,
    entities,
    detail,
  );
}

/** ARM requests of the catalog pass that read the new entities, on first views' budget. */
export function catalogPassArmMeasure(
  requests: number,
  entities: number,
  detail: Record<string, unknown>,
): Measure {
  return perEntityArmMeasure(
    `ARM requests of the catalog pass that reads ${entities} new entities`,
    requests,
    entities,
    detail,
  );
}

/** ARM requests for some entities against {@link GOALS.perEntityArmRequests} each. */
function perEntityArmMeasure(
  label: string,
  requests: number,
  entities: number,
  detail: Record<string, unknown>,
): Measure {
  const baseline = entities * GOALS.perEntityArmRequests;
  return {
    label,
    unit: 'requests',
    value: requests,
    baseline,
    ratio: round(requests / baseline),
    goal: `<= ${GOALS.perEntityArmRequests} per entity (<= ${baseline})`,
    met: requests <= baseline,
    detail,
  };
}

/** Counts ARM request paths by kind (pricings, alerts, apiCollections...), for the details. */
export function armRequestKinds(paths: string[]): Record<string, number> {
  const kinds: Record<string, number> = {};
  for (const p of paths) {
    const lower = p.toLowerCase();
    const kind = lower.includes('/microsoft.resourcegraph/')
      ? 'resourceGraph'
      : lower.includes('/apicollections')
      ? 'apiCollections'
      : lower.includes('/pricings')
      ? 'pricings'
      : lower.includes('/alerts')
      ? 'alerts'
      : lower.includes('/assessments')
      ? 'assessments'
      : /\/apis(\/|$)/.test(lower)
      ? 'apis'
      : /\/service\/[^/]+$/.test(lower)
      ? 'service'
      : 'other';
    kinds[kind] = (kinds[kind] ?? 0) + 1;
  }
  return kinds;
}
