/**
 * The host collector: `npm run collector -- --interval <s> [--duration <s>] [--dir <path>] [--host <name>]`.
 * Samples this machine into the store with no Redis, for hosts whose API runs in a container.
 */
import v8 from 'node:v8';

// The collector runs for days doing a sub-millisecond tick once per interval. The optimizing
// compiler saves it no measurable CPU (measured side by side at 1 s: 1.13 vs 1.16 ms per tick) but
// pages in its own code and keeps optimized code: about 4 MB of resident memory (bench/sampling.ts
// reports the total). The flag only takes full effect when set before the rest of the program
// loads, hence the dynamic import below.
v8.setFlagsFromString('--no-opt');

const { runCollectorCli } = await import('./cli.js');
process.exitCode = await runCollectorCli(process.argv.slice(2));
