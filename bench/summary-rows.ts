/**
 * The benchmarks `npm run bench` runs, and how each one's result file becomes rows of the one
 * table: a figure of ours beside its reference from the same run, the ratio, and the target.
 */

export interface SummaryRow {
  benchmark: string;
  figure: string;
  ours: string;
  reference: string;
  /** ours / reference (lower is better unless the figure says otherwise); null when not a ratio. */
  ratio: number | null;
  target: string;
  met: boolean;
}

export interface Benchmark {
  name: string;
  script: string;
  args: string[];
  quickArgs: string[];
  summarise(result: any): SummaryRow[];
}

const r2 = (n: number) => Math.round(n * 100) / 100;

/** A timing figure of ours beside a reference timing; met when ours/reference is at most `max`. */
function ratioRow(benchmark: string, figure: string, ours: number, reference: number, unit: string, referenceName: string, max: number | null): SummaryRow {
  const ratio = r2(ours / reference);
  return {
    benchmark, figure,
    ours: `${r2(ours)} ${unit}`,
    reference: `${referenceName} ${r2(reference)} ${unit}`,
    ratio,
    target: max === null ? '' : `<= ${max}x`,
    met: max === null || ratio <= max,
  };
}

/** The median (or plain number) of a figure the sampling benchmark reports. */
const median = (figure: any): number => (typeof figure === 'number' ? figure : figure?.median ?? figure?.ms);

export const BENCHMARKS: Benchmark[] = [
  {
    name: 'sampling',
    script: 'sampling.ts',
    args: ['--minutes', '2'],
    quickArgs: ['--minutes', '0.5', '--rounds', '2'],
    summarise(result) {
      const cpu = result.cpuMsPerSample as Record<string, any>;
      const sadcKey = Object.keys(cpu).find((k) => k.startsWith('sadc'))!;
      const sadc = median(cpu[sadcKey]);
      const rows = Object.entries(cpu)
        .filter(([name]) => name !== sadcKey && !name.startsWith('back to back'))
        .map(([name, figure]) => {
          // What users run: the sampler inside the service, and the collector as `npm run collector` runs it (compiled).
          const ours = /pc-telemetry|compiled/.test(name);
          return ratioRow('sampling', `CPU per sample: ${name}`, median(figure), sadc, 'ms', 'sadc', ours ? 1 : null);
        });
      const memory = result.memoryMb as Record<string, { rssMb: number }>;
      const empty = memory['empty node']?.rssMb;
      for (const [name, figure] of Object.entries(memory)) {
        if (!name.startsWith('collector') || empty === undefined) continue;
        const above = r2(figure.rssMb - empty);
        const ours = name.includes('compiled');
        rows.push({
          benchmark: 'sampling', figure: `RSS after ${result.settings?.minutes ?? '?'} min: ${name}`,
          ours: `${figure.rssMb} MB (+${above})`, reference: `empty node ${empty} MB`, ratio: null,
          target: ours ? '<= +15 MB' : '', met: !ours || above <= 15,
        });
      }
      return rows;
    },
  },
  {
    name: 'window-read',
    script: 'window-read.ts',
    args: [],
    quickArgs: ['--runs', '3'],
    summarise(result) {
      const cases = result.cases as { name: string; ours: { medianMs: number }; awk: { medianMs: number } }[];
      const rows = cases.map((c) =>
        ratioRow('window-read', c.name, c.ours.medianMs, c.awk.medianMs, 'ms', 'awk', c.name.startsWith('1-day') ? 3 : null));
      const hour30 = cases.find((c) => c.name.startsWith('1-hour') && c.name.includes('30 days'));
      const hour1 = cases.find((c) => c.name.startsWith('1-hour') && c.name.includes('1 day'));
      if (hour30 && hour1) {
        rows.push(ratioRow('window-read', '1-hour window: 30 days stored vs 1 day stored', hour30.ours.medianMs, hour1.ours.medianMs, 'ms', '1 day stored', 1.1));
      }
      return rows;
    },
  },
  {
    name: 'export',
    script: 'export.ts',
    args: ['--reps', '2'],
    quickArgs: ['--reps', '1', '--no-stringify'],
    summarise(result) {
      const windows = result.windows as any[];
      // The export job's own path is the first one the benchmark runs; the others are there to compare.
      const main = windows.filter((w) => w.encoder === windows[0].encoder);
      const rows = windows.map((w) =>
        ratioRow('export', `${w.window} export (${w.encoder ?? 'export'}), ${w.rows} rows, ${w.export_rows_per_s} rows/s`,
          w.export_s, w.zip6_s, 's', 'zip -6', main.includes(w) ? 1.5 : null));
      const peaks = main.map((w) => w.peak_rss_mb as number);
      if (peaks.length >= 2) {
        const growth = r2(Math.max(...peaks) - Math.min(...peaks));
        rows.push({
          benchmark: 'export', figure: `peak RSS, ${main.map((w) => w.window).join(' vs ')}`,
          ours: peaks.map((p) => `${p} MB`).join(' vs '), reference: '', ratio: null,
          target: 'within 50 MB', met: growth <= 50,
        });
      }
      return rows;
    },
  },
  {
    name: 'api',
    script: 'api.ts',
    args: ['--duration', '10'],
    quickArgs: ['--duration', '3'],
    summarise(result) {
      const all = result.results as { scenario: string; requests_per_s: number; p99_ms: number }[];
      const bare = all.find((r) => r.scenario.startsWith('bare'))!;
      return all.filter((r) => r !== bare).map((r) => ({
        benchmark: 'api',
        figure: `${r.scenario}, ${result.settings?.connections ?? 50} connections (ratio: req/s vs bare)`,
        ours: `${r.requests_per_s} req/s, p99 ${r.p99_ms} ms`,
        reference: `bare express ${bare.requests_per_s} req/s, p99 ${bare.p99_ms} ms`,
        ratio: r2(r.requests_per_s / bare.requests_per_s),
        target: '',
        met: true,
      }));
    },
  },
];
