/**
 * Child process of the window-read benchmark: reads one window (rows counted, not kept) and
 * prints its peak RSS as JSON, so each window's memory is measured in a fresh process.
 *
 *   node --import tsx bench/window-read-rss.ts <dir> <tz> <startMs> <endMs>
 */
import { withPeakRss, timeReadWindow, round } from './window-read-tools.js';

const [dir, tz, start, end] = process.argv.slice(2);
const [[ms, rows], peakRssMb] = await withPeakRss(() =>
  timeReadWindow({ dir: dir as string, tz: tz as string, start: Number(start), end: Number(end), legacyHost: 'nobody' }),
);
console.log(JSON.stringify({ rows, ms: round(ms), peakRssMb }));
