import { parseBenchArgs, USAGE } from './options';
import { killAllGroups } from './processGroup';
import {
  emptyResults,
  formatHeading,
  formatTable,
  writeResults,
} from './report';
import { runSize } from './sizeRun';

/**
 * `yarn bench`: for each catalog size, a fresh ARM emulator and backend, every measure, then
 * one table with the sizes side by side and the JSON results. Returns the exit code: 0 when
 * figures were produced (missed goals are reported, not failures), 1 when something broke.
 */
export async function main(argv: string[]): Promise<number> {
  let options;
  try {
    options = parseBenchArgs(argv);
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }

  // Whatever happens, no emulator or backend outlives the bench.
  process.on('exit', killAllGroups);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killAllGroups();
      process.exit(130);
    });
  }

  const results = emptyResults(options);
  const started = Date.now();
  for (const size of options.sizes) {
    const label = `[bench ${size.toLocaleString('en-US')}]`;
    const sizeStarted = Date.now();
    try {
      results.sizes[size] = await runSize(size, options, message =>
        console.log(`${label} ${message}`),
      );
      console.log(
        `${label} done in ${((Date.now() - sizeStarted) / 1000).toFixed(0)} s`,
      );
    } catch (error) {
      results.errors[size] = (error as Error).message;
      console.error(`${label} broke: ${(error as Error).stack ?? error}`);
      // Larger sizes would break the same way, only later.
      break;
    } finally {
      writeResults(options.outFile, results);
    }
  }

  console.log(`\n${formatHeading(results)}\n`);
  if (Object.keys(results.sizes).length > 0)
    console.log(`${formatTable(results)}\n`);
  for (const [size, message] of Object.entries(results.errors))
    console.log(`Size ${size} could not be measured: ${message}`);
  console.log(
    `Results: ${options.outFile} (${((Date.now() - started) / 60_000).toFixed(
      1,
    )} min)`,
  );
  return Object.keys(results.errors).length === 0 ? 0 : 1;
}
