/**
 * The host collector's command: parses the flags, checks the store folder, runs the collect loop
 * with a line per sample and a summary, and stops cleanly on Ctrl-C or SIGTERM.
 * Exit codes: 0 done or stopped by Ctrl-C / SIGTERM, 1 store not writable or failed, 2 bad flags.
 */
import { loadConfigOrExit } from '../../env/default_env.js';
import { collect, type CollectResult } from '../sampling/collect.js';
import { dayFilePath } from '../store/paths.js';
import { dayKey, parseInstant } from '../store/time.js';
import { parseCollectorArgs, usage, UsageError, type CollectorArgs } from './args.js';
import { formatSampleLine, formatSummary } from './report.js';
import { ensureWritableHostDir } from './writable-dir.js';

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
  // What was written so far, for the summary when writing fails part-way.
  let result: CollectResult = { samples: 0, rows: 0, first_time: null, last_time: null, stopped: true };
  let failed = false;
  try {
    result = await collect({
      intervalS: args.intervalS,
      durationS: args.durationS,
      host: args.host,
      tz,
      dir: args.dir,
      signal: controller.signal,
      onSample: (rows, totals) => {
        const time = rows[0]?.time ?? null;
        const ms = time === null ? null : parseInstant(time, tz);
        if (ms !== null) files.add(dayFilePath(args.dir, args.host, dayKey(ms, tz)));
        result = { ...totals, first_time: result.first_time ?? time, last_time: time ?? result.last_time, stopped: true };
        console.log(formatSampleLine(rows));
      },
    });
  } catch (error) {
    console.error(`collector: writing the store failed: ${(error as Error).message}`);
    failed = true;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  console.log(formatSummary(result, [...files], failed));
  return failed ? 1 : 0;
}

/** Runs the collector for the command line `argv`; resolves to the process exit code. */
export async function runCollectorCli(argv: readonly string[]): Promise<number> {
  const config = loadConfigOrExit();
  const defaults = { dir: config.telemetryDir, host: config.hostName };
  let parsed;
  try {
    parsed = parseCollectorArgs(argv, defaults);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`collector: ${error.message}\n\n${usage(defaults)}`);
    return 2;
  }
  if (parsed.help) {
    console.log(usage(defaults));
    return 0;
  }
  return run(parsed, config.telemetryTz);
}
