/**
 * The old tool's data routes, answered over the new store and the old layout alike (readWindow
 * reads both). Their bodies are built as text chunks and streamed: the old tool had no row
 * limit, so these answers must not hold a whole window in memory.
 *
 * The shapes are the old tool's (web_plugin/api_package/telemetry_ns.py of the Python project):
 * - `cpu_usage`: a JSON string holding `str(list)` of `[time, cpu_usage]` pairs (a Python literal);
 * - `cpu_usage_data`: `{message: 'OK', error: false, data: [[time, cpu_usage], …]}`;
 * - `*_to_json`: a JSON file `[[time, value], …]` as `json.dumps` wrote it;
 * - `return_hw_data`: `{message: 'OK', error: false, data: text}`, one line per row of the six
 *   old columns as `'v1','v2',…` with spaces removed (what `str(row)` minus brackets and spaces gave).
 */
import type { Config } from '../../../env/default_env.js';
import { readWindowBatches } from '../../store/reader.js';
import type { TelemetryRow } from '../../store/row.js';
import { parseWindow, type TimeWindow, type WindowInput } from './window.js';

export type LegacyAnswerKind = 'cpu_usage' | 'cpu_usage_data' | 'cpu_usage_to_json' | 'ram_usage_to_json' | 'return_hw_data';

const DAY_MS = 86_400_000;

/** The span the old tool used when a *_to_json call came without a window. */
const DEFAULT_SPAN_MS: Partial<Record<LegacyAnswerKind, number>> = {
  cpu_usage_to_json: 2 * DAY_MS,
  ram_usage_to_json: DAY_MS,
};

/** Flushes text in chunks of about this size: one write per row would cost more than the row. */
const CHUNK_CHARS = 64 * 1024;

/** The window of an old route: as given, or (for the *_to_json routes) the old default span up to now. */
export function legacyWindow(config: Config, kind: LegacyAnswerKind, input: WindowInput, now = Date.now()): TimeWindow {
  const span = DEFAULT_SPAN_MS[kind];
  if (span !== undefined && (!input.start_time || !input.end_time)) return { start: now - span, end: now };
  return parseWindow(config, input);
}

/** Python's repr of a number as the old tool's lists printed it (None for an empty value). */
function pythonNumber(value: number | null): string {
  return value === null ? 'None' : String(value);
}

/** A Python str literal in single quotes, as `repr` writes one without a quote inside. */
function pythonText(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

function rowText(value: string | number | null): string {
  return value === null ? '' : String(value);
}

interface AnswerFormat {
  open: string;
  item: (row: TelemetryRow, first: boolean) => string;
  close: string;
}

/** JSON string content (no surrounding quotes). */
function inJsonString(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

const FORMATS: Record<LegacyAnswerKind, AnswerFormat> = {
  cpu_usage: {
    open: '"[',
    item: (row, first) => inJsonString(`${first ? '' : ', '}[${pythonText(row.time)}, ${pythonNumber(row.cpu_usage)}]`),
    close: ']"',
  },
  cpu_usage_data: {
    open: '{"message":"OK","error":false,"data":[',
    item: (row, first) => `${first ? '' : ','}${JSON.stringify([row.time, row.cpu_usage])}`,
    close: ']}',
  },
  cpu_usage_to_json: {
    open: '[',
    item: (row, first) => `${first ? '' : ', '}[${JSON.stringify(row.time)}, ${JSON.stringify(row.cpu_usage)}]`,
    close: ']',
  },
  ram_usage_to_json: {
    open: '[',
    item: (row, first) => `${first ? '' : ', '}[${JSON.stringify(row.time)}, ${JSON.stringify(row.ram_free)}]`,
    close: ']',
  },
  return_hw_data: {
    open: '{"message":"OK","error":false,"data":"',
    item: (row) => {
      const fields = [row.time, row.cpu_usage, row.ram_free, row.network_adapter, row.net_usage_up, row.net_usage_down];
      const line = fields.map((value) => pythonText(rowText(value).replaceAll(' ', ''))).join(',');
      return inJsonString(line + '\n');
    },
    close: '"}',
  },
};

/**
 * The answer of an old data route as text chunks, or null for an empty window (the old tool's
 * 204). The first row is read before anything is promised, so the caller can still choose 204.
 */
export async function legacyAnswer(
  config: Config,
  kind: LegacyAnswerKind,
  window: TimeWindow,
  host?: string,
): Promise<AsyncIterable<string> | null> {
  const batches = readWindowBatches({
    dir: config.telemetryDir,
    tz: config.telemetryTz,
    start: window.start,
    end: window.end,
    host,
    legacyHost: config.hostName,
  });
  let first = await batches.next();
  while (!first.done && first.value.length === 0) first = await batches.next();
  if (first.done) return null;
  const firstBatch = first.value;
  const format = FORMATS[kind];
  return (async function* chunks() {
    let text = format.open;
    let isFirst = true;
    const add = (rows: TelemetryRow[]) => {
      for (const row of rows) {
        text += format.item(row, isFirst);
        isFirst = false;
      }
    };
    add(firstBatch);
    for await (const batch of batches) {
      if (text.length >= CHUNK_CHARS) {
        yield text;
        text = '';
      }
      add(batch);
    }
    yield text + format.close;
  })();
}

/** The attachment name of a *_to_json answer: what it holds and the window, safe in any file system. */
export function legacyFileName(kind: LegacyAnswerKind, window: TimeWindow): string {
  const stamp = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${kind.replace(/_to_json$/, '')}_${stamp(window.start)}_${stamp(window.end)}.json`;
}
