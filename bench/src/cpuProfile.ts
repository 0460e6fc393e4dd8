import fs from 'node:fs';
import path from 'node:path';

/** One node of V8's CPU profile tree (the DevTools `Profiler.Profile` format). */
interface ProfileNode {
  id: number;
  callFrame: {
    functionName: string;
    url: string;
    lineNumber: number;
  };
  children?: number[];
}

/** A profile written by `cpuProbe.cjs`. */
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
  /** One instant on both clocks: the epoch (ms) and V8's monotonic clock (µs). */
  clock: { epochMs: number; monotonicUs: number };
}

/** Where the sampled time of a window went. */
export interface ProfileWindow {
  /** The window's length, ms. */
  ms: number;
  /** Sampled time in it that ran JavaScript or native code (not idle), ms. */
  busyMs: number;
  /** Functions by their own (self) time, longest first: `name (file:line) ms`. */
  self: string[];
  /**
   * The product's own code (outside node_modules and Node's internals) by inclusive time:
   * each sample counts for the innermost product frame of its stack.
   */
  product: string[];
}

/** V8's label for samples where the thread waited; `(program)` (native, unattributed) counts. */
const IDLE = '(idle)';

function frameLabel(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url ? path.basename(url.replace(/^file:\/\//, '')) : '';
  const name = functionName || '(anonymous)';
  return file ? `${name} (${file}:${lineNumber + 1})` : name;
}

function isProductFrame(node: ProfileNode): boolean {
  const url = node.callFrame.url;
  return (
    url !== '' &&
    !url.includes('/node_modules/') &&
    !url.startsWith('node:') &&
    (url.includes('/plugins/') || url.includes('/packages/'))
  );
}

function top(totals: Map<string, number>, count: number): string[] {
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([label, us]) => `${label} ${(us / 1000).toFixed(1)} ms`);
}

/**
 * Sums the samples of `file` that fall between `fromMs` and `toMs` (epoch): the functions
 * with the most self time, and where in the product's code the time was spent.
 */
export function summarizeProfileWindow(
  file: string,
  fromMs: number,
  toMs: number,
  count = 8,
): ProfileWindow {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map(n => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) parentOf.set(child, node.id);
  }
  const epochOf = (monotonicUs: number) =>
    profile.clock.epochMs + (monotonicUs - profile.clock.monotonicUs) / 1000;

  const self = new Map<string, number>();
  const product = new Map<string, number>();
  let busyUs = 0;
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i];
    // A sample stands for the time until the next one.
    const weightUs = (profile.timeDeltas[i + 1] ?? 0) || 0;
    const epoch = epochOf(at);
    if (epoch < fromMs || epoch > toMs) continue;
    const node = byId.get(profile.samples[i])!;
    const label = frameLabel(node);
    if (node.callFrame.functionName === IDLE) continue;
    busyUs += weightUs;
    self.set(label, (self.get(label) ?? 0) + weightUs);
    let frame: ProfileNode | undefined = node;
    while (frame && !isProductFrame(frame)) {
      const parent = parentOf.get(frame.id);
      frame = parent === undefined ? undefined : byId.get(parent);
    }
    const owner = frame ? frameLabel(frame) : '(outside the product)';
    product.set(owner, (product.get(owner) ?? 0) + weightUs);
  }
  return {
    ms: toMs - fromMs,
    busyMs: Math.round(busyUs / 100) / 10,
    self: top(self, count),
    product: top(product, count),
  };
}

/** A window's summary as printed lines: its busy time and file, then the two lists. */
export function describeProfileWindow(
  window: ProfileWindow,
  file: string,
): string {
  return [
    `busy ${window.busyMs} of ${window.ms.toFixed(0)} ms (${file})`,
    `    in the product: ${window.product.join('; ')}`,
    `    busiest functions: ${window.self.join('; ')}`,
  ].join('\n');
}
