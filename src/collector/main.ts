/**
 * The host collector: `npm run collector -- --interval <s> [--duration <s>] [--dir <path>] [--host <name>]`.
 * Samples this machine into the store with no Redis, for hosts whose API runs in a container.
 * Exit codes: 0 done or stopped by Ctrl-C / SIGTERM, 1 store not writable or failed, 2 bad flags.
 */
import v8 from 'node:v8';
import { loadConfigOrExit } from '../../env/default_env.js';
import { collect, type CollectResult } from '../sampling/collect.js';
import { dayFilePath } from '../store/paths.js';
import { dayKey, parseInstant } from '../store/time.js';
import { parseCollectorArgs, usage, UsageError, type CollectorArgs } from './args.js';
import { formatSampleLine, formatSummary } from './report.js';
import { ensureWritableHostDir } from './writable-dir.js';

// The collector runs for days doing a sub-millisecond tick once per interval: the optimizing compiler
// would save no measurable CPU (bench/sampling.ts: same CPU per sample either way) but pages in its
// own code and keeps optimized code, about 4-5 MB of resident memory. Set before any code gets hot.
v8.setFlagsFromString('--no-opt');

/** Collects until the duration ends or a signal arrives; prints a line per sample and the summary. */
async function run(args: CollectorArgs, tz: string): Promise<number> {
  try {
    await ensureWritableHostDir(args.dir, args.host);
  } catch (error) {
    console.error(`collector: ${(error as Error).message}`);
    return 1;
  }

  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    // A second signal means the user will not wait for the tick in progress.
    if (controller.signal.aborted) process.exit(130);
    console.error(`collector: ${signal}, stopping after the sample in progress`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const files = new Set<string>();
  const duration = args.durationS === undefined ? 'until stopped' : `for ${args.durationS} s`;
  console.log(`collecting every ${args.intervalS} s ${duration} into ${args.dir} as host ${args.host} (Ctrl-C stops)`);
  let result: CollectResult | undefined;
  let code = 0;
  try {
    result = await collect({
      intervalS: args.intervalS,
      durationS: args.durationS,
      host: args.host,
      tz,
      dir: args.dir,
      signal: controller.signal,
      onSample: (rows) => {
        const ms = rows[0] ? parseInstant(rows[0].time, tz) : null;
        if (ms !== null) files.add(dayFilePath(args.dir, args.host, dayKey(ms, tz)));
        console.log(formatSampleLine(rows));
      },
    });
  } catch (error) {
    console.error(`collector: writing the store failed: ${(error as Error).message}`);
    code = 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (result) console.log(formatSummary(result, [...files]));
  return code;
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const defaults = { dir: config.telemetryDir, host: config.hostName };
  let parsed;
  try {
    parsed = parseCollectorArgs(process.argv.slice(2), defaults);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`collector: ${error.message}\n\n${usage(defaults)}`);
    process.exitCode = 2;
    return;
  }
  if (parsed.help) {
    console.log(usage(defaults));
    return;
  }
  process.exitCode = await run(parsed, config.telemetryTz);
}

await main();
