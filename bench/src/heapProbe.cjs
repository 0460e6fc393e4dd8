/**
 * Preloaded into the benchmarked backend (`node --require`): appends V8's heap figures to the
 * file named by DEFENDER_APIS_BENCH_HEAP_LOG every 50 ms, one line each:
 * `<epoch ms> <used heap bytes> <total heap bytes>`, and a line per garbage collection. RSS says what the machine gives the
 * process; the used heap says what the JavaScript holds, which is what the product can change.
 * Sampled on the backend's own event loop, so a blocked loop shows as a gap, not a wrong figure.
 */
const fs = require('node:fs');
const v8 = require('node:v8');

const file = process.env.DEFENDER_APIS_BENCH_HEAP_LOG;
// Node may run preloads in its module loader's thread too; only the main thread's heap counts.
if (file && require('node:worker_threads').isMainThread) {
  const fd = fs.openSync(file, 'a');
  setInterval(() => {
    const heap = v8.getHeapStatistics();
    fs.writeSync(
      fd,
      `${Date.now()} ${heap.used_heap_size} ${heap.total_heap_size}\n`,
    );
  }, 50).unref();
  // Each garbage collection's pause: `<epoch ms> gc <kind> <ms>` (kind 4 is a major one).
  const { PerformanceObserver, performance } = require('node:perf_hooks');
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) {
      fs.writeSync(
        fd,
        `${Math.round(performance.timeOrigin + entry.startTime)} gc ${
          entry.detail?.kind ?? 0
        } ${entry.duration.toFixed(1)}\n`,
      );
    }
  }).observe({ entryTypes: ['gc'] });
}
