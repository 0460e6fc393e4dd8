/**
 * Preloaded into the benchmarked backend (`node --require`) when the bench runs with
 * `--profile`: each SIGUSR2 toggles V8's sampling CPU profiler. The first starts it and writes
 * `<dir>/profiling`; the next stops it and writes `<dir>/<n>.cpuprofile` (Chrome DevTools'
 * format, plus `clock`: the epoch ms and monotonic µs of one instant, so that the bench can put
 * the samples on its own timeline). The directory is DEFENDER_APIS_BENCH_CPU_PROFILE_DIR.
 */
const fs = require('node:fs');
const path = require('node:path');

const dir = process.env.DEFENDER_APIS_BENCH_CPU_PROFILE_DIR;
// Node may run preloads in its module loader's thread too; only the main thread is profiled.
if (dir && require('node:worker_threads').isMainThread) {
  const inspector = require('node:inspector');
  const session = new inspector.Session();
  session.connect();
  const post = (method, params) =>
    new Promise((resolve, reject) =>
      session.post(method, params, (err, result) =>
        err ? reject(err) : resolve(result),
      ),
    );
  let profiling = false;
  let written = 0;
  const toggle = async () => {
    if (!profiling) {
      profiling = true;
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: 250 });
      await post('Profiler.start');
      fs.writeFileSync(path.join(dir, 'profiling'), String(Date.now()));
      return;
    }
    const { profile } = await post('Profiler.stop');
    profiling = false;
    fs.rmSync(path.join(dir, 'profiling'), { force: true });
    const clock = {
      epochMs: Date.now(),
      monotonicUs: Number(process.hrtime.bigint() / 1000n),
    };
    written += 1;
    const file = path.join(dir, `${written}.cpuprofile`);
    fs.writeFileSync(`${file}.tmp`, JSON.stringify({ ...profile, clock }));
    fs.renameSync(`${file}.tmp`, file);
  };
  fs.mkdirSync(dir, { recursive: true });
  process.on('SIGUSR2', () => {
    toggle().catch(error => {
      process.stderr.write(`cpuProbe: ${error}\n`);
    });
  });
}
