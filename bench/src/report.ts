import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeDatabase } from './benchDatabase';
import { Measure, MEASURE_KEYS } from './measures';
import { BenchOptions } from './options';
import { SizeResult } from './sizeRun';

/** The JSON results file (bench/results/latest.json, or .cache/bench/smoke.json for --smoke). */
export interface BenchResults {
  date: string;
  smoke: boolean;
  machine: {
    cpus: number;
    cpuModel: string;
    memoryMb: number;
    node: string;
    platform: string;
  };
  settings: {
    sizes: number[];
    emulatorPageSize: number;
    /** Where refreshes read security data (`defenderApis.azure.readVia`). */
    readVia: BenchOptions['readVia'];
    /** Services and subscriptions asked for (`--services`, `--subscriptions`); none: defaults. */
    estate?: BenchOptions['estate'];
    database: string;
    load: BenchOptions['load'];
  };
  /** Per size, every measure as { value, baseline, ratio, goal, met } with details. */
  sizes: Record<string, SizeResult>;
  /** Sizes that could not be measured, with why. */
  errors: Record<string, string>;
}

/** The results object, before any size ran. */
export function emptyResults(options: BenchOptions): BenchResults {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    smoke: options.smoke,
    machine: {
      cpus: cpus.length,
      cpuModel: cpus[0]?.model ?? 'unknown',
      memoryMb: Math.round(os.totalmem() / 1024 / 1024),
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
    },
    settings: {
      sizes: options.sizes,
      emulatorPageSize: options.pageSize,
      readVia: options.readVia,
      estate: options.estate,
      database: describeDatabase(options.database),
      load: options.load,
    },
    sizes: {},
    errors: {},
  };
}

/** Writes the results as JSON, creating the folder. */
export function writeResults(file: string, results: BenchResults): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
}

const thousands = (n: number) =>
  n.toLocaleString('en-US', { maximumFractionDigits: 1 });
const ms = (n: number) => (n >= 100 ? thousands(Math.round(n)) : n.toFixed(1));

/** The main figure of a measure, as shown in its table cell. */
function cell(m: Measure): string {
  const verdict = m.met ? 'ok' : 'MISS';
  if (m.unit === 'requests' && m.baseline !== null) {
    const fewer =
      m.value > 0
        ? `${thousands(Math.round(m.baseline / m.value))}x fewer`
        : 'none';
    const bound = m.detail?.lowerBound ? '>=' : '';
    return m.label.startsWith('ARM requests per full refresh')
      ? `${bound}${thousands(m.value)} (${fewer}) ${verdict}`
      : `${thousands(m.value)} of max ${thousands(m.baseline)} ${verdict}`;
  }
  if (m.baseline !== null)
    return `${ms(m.value)} vs ${ms(m.baseline)} = ${m.ratio}x ${verdict}`;
  return `${m.unit === 'MB' ? m.value.toFixed(0) : ms(m.value)} ${
    m.unit
  } ${verdict}`;
}

/** The heap line under the memory growth: what the JavaScript held, beside RSS. */
function heapCell(m: Measure | undefined): string {
  const d = m?.detail as
    | { heapUsedBeforeMb?: number; heapUsedPeakMb?: number }
    | undefined;
  if (d?.heapUsedBeforeMb === undefined || d.heapUsedPeakMb === undefined)
    return '-';
  return `${d.heapUsedBeforeMb} / ${d.heapUsedPeakMb} (+${
    d.heapUsedPeakMb - d.heapUsedBeforeMb
  })`;
}

/** The p50 line under a latency comparison. */
function p50Cell(m: Measure): string {
  const d = m.detail as { p50: number; baselineP50: number; samples: number };
  return `${ms(d.p50)} vs ${ms(d.baselineP50)} (n=${d.samples})`;
}

/** The card's two alone runs and the interleaved one under the card's comparison. */
function cardRunsCell(m: Measure): string {
  const d = m.detail as {
    cardFirstP99: number;
    cardSecondP99: number;
    interleaved: { cardP99: number; byNameP99: number };
  };
  const ratio = d.interleaved.cardP99 / d.interleaved.byNameP99;
  return `${ms(d.cardFirstP99)} / ${ms(d.cardSecondP99)}; ${ms(
    d.interleaved.cardP99,
  )} vs ${ms(d.interleaved.byNameP99)} = ${ratio.toFixed(2)}x`;
}

/**
 * The side-by-side table: one row per measure, one column per size, and the goal. Latency
 * comparisons show p99 ours vs theirs with the ratio, and a p50 row under them.
 */
export function formatTable(results: BenchResults): string {
  const sizes = Object.keys(results.sizes);
  const rows: string[][] = [
    ['measure', ...sizes.map(s => `${thousands(Number(s))} APIs`), 'goal'],
  ];
  const first = (key: string) =>
    sizes
      .map(s => results.sizes[s].measures[key as keyof SizeResult['measures']])
      .find(Boolean);
  for (const key of MEASURE_KEYS) {
    const sample = first(key);
    if (!sample) continue;
    const of = (s: string) => results.sizes[s].measures[key];
    rows.push([
      sample.label,
      ...sizes.map(s => (of(s) ? cell(of(s)!) : '-')),
      sample.goal,
    ]);
    if (key === 'refresh.memoryGrowth') {
      rows.push([
        '  V8 heap used: before / peak (MB)',
        ...sizes.map(s => heapCell(of(s))),
        '',
      ]);
    }
    if (sample.unit === 'ms' && sample.detail?.p50 !== undefined) {
      rows.push([
        '  p50 ours vs theirs (ms)',
        ...sizes.map(s => (of(s) ? p50Cell(of(s)!) : '-')),
        '',
      ]);
    }
    if (sample.detail?.interleaved !== undefined) {
      rows.push([
        '  card first / after by-name; interleaved in one run (p99 ms)',
        ...sizes.map(s => (of(s) ? cardRunsCell(of(s)!) : '-')),
        'not a goal',
      ]);
    }
  }
  rows.push([
    'Catalog ingestion (s)',
    ...sizes.map(s => results.sizes[s].info.catalogIngestSeconds.toFixed(1)),
    '',
  ]);
  rows.push([
    "History seeded by the demo's module, not by refreshes: rows in ms",
    ...sizes.map(s => {
      const seed = results.sizes[s].info.historySeed;
      return seed ? `${thousands(seed.rows)} in ${ms(seed.ms)}` : '-';
    }),
    '',
  ]);
  rows.push([
    'First full refresh: ms, RSS growth (MB)',
    ...sizes.map(s => {
      const { firstFullRefreshMs, firstFullRefreshRssGrowthMb } =
        results.sizes[s].info;
      return `${ms(firstFullRefreshMs)}, ${firstFullRefreshRssGrowthMb}`;
    }),
    '',
  ]);
  rows.push([
    'Goals met',
    ...sizes.map(s => {
      const all = Object.values(results.sizes[s].measures) as Measure[];
      return `${all.filter(m => m.met).length} of ${all.length}`;
    }),
    '',
  ]);
  const widths = rows[0].map((_, c) =>
    Math.max(...rows.map(r => (r[c] ?? '').length)),
  );
  const line = (r: string[]) =>
    r
      .map((v, c) => (v ?? '').padEnd(widths[c]))
      .join('  ')
      .trimEnd();
  return [
    line(rows[0]),
    widths.map(w => '-'.repeat(w)).join('  '),
    ...rows.slice(1).map(line),
  ].join('\n');
}

/** A heading for the table: when, where, how. */
export function formatHeading(results: BenchResults): string {
  const { machine, settings } = results;
  return [
    `Defender for APIs catalog-scale benchmark${
      results.smoke ? ' (smoke)' : ''
    }, ${results.date}`,
    `${machine.cpus} x ${machine.cpuModel}, ${thousands(
      machine.memoryMb,
    )} MB, Node ${machine.node}, ${settings.database}, emulator page size ${
      settings.emulatorPageSize
    }, security data read via ${settings.readVia ?? 'arm'}`,
    'Latency cells: p99 ours vs the catalog route it is compared with (ms) = ratio; "p50" rows the same at p50.',
  ].join('\n');
}
