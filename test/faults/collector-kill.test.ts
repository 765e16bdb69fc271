// The host collector SIGKILLed 20 times at random moments, restarted into the same folder each
// time: every complete row reads back, torn lines are skipped and counted, nothing is doubled.
//
// A SIGKILL cannot tear a write(2) to a local file on Linux (the call finishes first), so on
// some restarts the test also cuts the last line short, as a crash mid-write on another system,
// or a power cut, would leave it. Replay a run with FAULT_SEED=<the printed seed>.
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_HEADER } from '../../src/store/csv-line.js';
import { readWindow, type ReadStats } from '../../src/store/reader.js';
import { parseInstant, startOfDay } from '../../src/store/time.js';
import { TORN_LINE_END } from '../../src/store/writer.js';
import { makeTempDir, removeTempDir } from '../support/tmp.js';
import { killAll, startNodeScript, type ServiceProcess } from './support/processes.js';
import { Dice, runSeed, seededRandom } from './support/random.js';

const HOST = 'fault-collector';
const TZ = 'Europe/Samara';
const KILLS = 20;
const SAMPLE_LINE = /^\d{4}-\d{2}-\d{2}T\S+ {2}cpu /gm;

interface RawStore {
  /** time|interface of every complete data line, in file order. */
  rows: string[];
  /** Lines a crash left incomplete (ended by the writer's torn-line mark, or unterminated at the end). */
  torn: number;
  firstDay: string;
}

/** Reads the day files without the store's reader, to know what it must return. */
async function rawStore(hostDir: string): Promise<RawStore> {
  const files = (await fs.readdir(hostDir)).filter((name) => name.endsWith('.csv')).sort();
  const result: RawStore = { rows: [], torn: 0, firstDay: (files[0] ?? '').slice(0, 10) };
  const tornMark = TORN_LINE_END.trimEnd();
  for (const name of files) {
    const text = await fs.readFile(path.join(hostDir, name), 'utf8');
    const lines = text.split('\n');
    const unterminated = lines.pop();
    if (unterminated) result.torn++;
    expect(lines[0], `${name} starts with the header`).toBe(STORE_HEADER);
    for (const line of lines.slice(1)) {
      expect(line, `${name}: a second header`).not.toBe(STORE_HEADER);
      if (line.endsWith(tornMark)) {
        result.torn++;
        continue;
      }
      const fields = line.split(',');
      expect(fields, `${name}: ${JSON.stringify(line)}`).toHaveLength(8);
      expect(parseInstant(fields[0] as string, TZ), line).not.toBeNull();
      result.rows.push(`${fields[0]}|${fields[3]}`);
    }
  }
  return result;
}

/** Cuts the last line of the newest day file short (keeping at least one of its characters). */
async function tearLastLine(hostDir: string, dice: Dice): Promise<boolean> {
  const newest = (await fs.readdir(hostDir)).filter((name) => name.endsWith('.csv')).sort().at(-1);
  if (!newest) return false;
  const file = path.join(hostDir, newest);
  const text = await fs.readFile(file, 'utf8');
  if (!text.endsWith('\n')) return false; // already torn: one torn line stays one
  const lastLine = text.slice(text.lastIndexOf('\n', text.length - 2) + 1, -1);
  if (lastLine === STORE_HEADER || lastLine.endsWith(TORN_LINE_END.trimEnd()) || lastLine.length < 2) return false;
  await fs.truncate(file, Buffer.byteLength(text) - 1 - dice.int(0, lastLine.length - 1));
  return true;
}

describe('the host collector killed with SIGKILL 20 times', () => {
  const seed = runSeed();
  const dice = new Dice(seededRandom(seed));
  const running = new Set<ServiceProcess>();
  let dir: string;

  beforeAll(async () => {
    dir = await makeTempDir('fault-collector');
  });
  afterAll(async () => {
    await killAll(running);
    await removeTempDir(dir);
  });

  it('leaves every complete row readable, torn lines skipped and counted, no row twice', async () => {
    console.log(`collector-kill: seed ${seed} (replay with FAULT_SEED=${seed})`);
    const hostDir = path.join(dir, HOST);
    const args = ['--interval', '0.2', '--dir', dir, '--host', HOST];
    let samplesPrinted = 0;
    let tornByTest = 0;
    const moments: string[] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      const collector = startNodeScript('src/collector/main.ts', args, { TELEMETRY_TZ: TZ });
      running.add(collector);
      // Most kills land while it samples (after 1 to 5 samples, a random part of an interval
      // later); some at a random moment from its start, start-up included.
      if (dice.chance(0.75)) {
        const samples = dice.int(1, 5);
        await collector.waitForOutput(new RegExp(`(?:^\\d{4}-.*cpu .*\\n[^]*){${samples}}`, 'm'), 30_000);
        const extra = dice.int(0, 200);
        await new Promise((resolve) => setTimeout(resolve, extra));
        moments.push(`${samples} samples + ${extra} ms`);
      } else {
        const after = dice.int(0, 2500);
        await new Promise((resolve) => setTimeout(resolve, after));
        moments.push(`${after} ms after start`);
      }
      expect(await collector.kill('SIGKILL'), collector.output()).toEqual({ code: null, signal: 'SIGKILL' });
      running.delete(collector);
      samplesPrinted += collector.output().match(SAMPLE_LINE)?.length ?? 0;
      if ((kill === 3 || dice.chance(0.3)) && (await tearLastLine(hostDir, dice))) tornByTest++;
    }
    // One last run that ends by itself: it must start after any torn line on a fresh one.
    const last = startNodeScript('src/collector/main.ts', [...args, '--duration', '1'], { TELEMETRY_TZ: TZ });
    running.add(last);
    expect((await last.exited).code, last.output()).toBe(0);
    samplesPrinted += last.output().match(SAMPLE_LINE)?.length ?? 0;
    console.log(`collector-kill: kills at ${moments.join('; ')}; ${tornByTest} lines torn by the test`);

    const raw = await rawStore(hostDir);
    expect(raw.rows.length).toBeGreaterThan(0);
    expect(raw.torn).toBeGreaterThanOrEqual(tornByTest);
    expect(tornByTest).toBeGreaterThan(0);
    // Every printed sample was written (a kill lands after the write and before or after the
    // print, so at most one written sample per run was not printed yet).
    const rawTimes = new Set(raw.rows.map((key) => key.split('|')[0]));
    expect(rawTimes.size + tornByTest).toBeGreaterThanOrEqual(samplesPrinted);
    expect(rawTimes.size).toBeLessThanOrEqual(samplesPrinted + KILLS);

    const stats: ReadStats = { files: 0, rows: 0, skipped: 0 };
    const read: string[] = [];
    for await (const row of readWindow({
      dir, tz: TZ, host: HOST, legacyHost: HOST, stats,
      start: startOfDay(raw.firstDay, TZ) as number,
      end: Date.now() + 60_000,
    })) {
      read.push(`${row.time}|${row.network_adapter}`);
    }
    expect(new Set(read).size, 'a row was read twice').toBe(read.length);
    expect(new Set(raw.rows).size, 'a row was written twice').toBe(raw.rows.length);
    expect(read).toEqual(raw.rows);
    expect(stats.skipped).toBe(raw.torn);
    console.log(`collector-kill: ${raw.rows.length} rows of ${rawTimes.size} samples read back, ${raw.torn} torn lines skipped`);
  }, 120_000);
});
