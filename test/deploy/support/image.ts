/**
 * Replays this project's Dockerfile on this machine, without a Docker engine: every stage gets a
 * folder standing for its file system, COPY copies (from the build context, honouring
 * .dockerignore, or from an earlier stage), WORKDIR and `mkdir -p` create folders, `npm run build`
 * really runs, and `npm ci` links the project's node_modules (only the production packages of
 * package-lock.json for `--omit=dev`). What only the OS image provides (apt packages, file owners)
 * is taken from this machine. An instruction it does not know fails the replay, so a change to the
 * Dockerfile cannot slip past the tests unreplayed.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { envPairs, execForm, healthcheckCommand, readDockerfile, type Instruction } from './dockerfile.js';
import { readDockerignore } from './dockerignore.js';

const run = promisify(execFile);

/** The runtime stage, laid out under `root` as the container would see it under `/`. */
export interface ReplayedImage {
  root: string;
  /** The image's ENV, absolute paths moved under `root`. */
  env: Record<string, string>;
  /** The final WORKDIR, under `root`. */
  workdir: string;
  /** ENTRYPOINT + CMD as docker run executes them (program path under `root`). */
  entrypoint: string[];
  cmd: string[];
  healthcheck: string[];
  volumes: string[]; // container paths
  exposed: string[];
  user: string | null;
  /** A container path → the folder or file standing for it here. */
  hostPath(containerPath: string): string;
}

interface StageState { root: string; workdir: string; env: Record<string, string> }

/** Replays `<context>/Dockerfile` into `into` (an empty folder) and describes its last stage. */
export async function replayImage(context: string, into: string): Promise<ReplayedImage> {
  const ignored = readDockerignore(path.join(context, '.dockerignore'));
  const stages = new Map<string, StageState>();
  let last: StageState | undefined;
  const image = { entrypoint: [] as string[], cmd: [] as string[], healthcheck: [] as string[],
    volumes: [] as string[], exposed: [] as string[], user: null as string | null };

  for (const stage of readDockerfile(path.join(context, 'Dockerfile'))) {
    const state: StageState = { root: path.join(into, stage.name), workdir: '/', env: {} };
    await fs.mkdir(state.root, { recursive: true });
    for (const instruction of stage.instructions) {
      const at = (p: string) => path.join(state.root, path.posix.resolve(state.workdir, p));
      switch (instruction.keyword) {
        case 'WORKDIR':
          state.workdir = path.posix.resolve(state.workdir, instruction.args);
          await fs.mkdir(at('.'), { recursive: true });
          break;
        case 'ENV':
          Object.assign(state.env, envPairs(instruction));
          break;
        case 'COPY':
          await copy(instruction, instruction.flags.from ? stages.get(instruction.flags.from) : undefined, context, ignored, at);
          break;
        case 'RUN':
          await runStep(instruction, context, at('.'), state.root);
          break;
        case 'ENTRYPOINT': image.entrypoint = execForm(instruction); break;
        case 'CMD': image.cmd = execForm(instruction); break;
        case 'HEALTHCHECK': image.healthcheck = healthcheckCommand(instruction); break;
        case 'VOLUME': image.volumes = execForm(instruction); break;
        case 'EXPOSE': image.exposed.push(...instruction.args.split(/\s+/)); break;
        case 'USER': image.user = instruction.args; break;
        case 'LABEL': case 'STOPSIGNAL': break;
        default: throw new Error(`Dockerfile line ${instruction.line}: the replay does not know ${instruction.keyword}`);
      }
    }
    stages.set(stage.name, state);
    last = state;
  }
  if (!last) throw new Error('Dockerfile has no stage');
  const root = last.root;
  const hostPath = (p: string) => path.join(root, p);
  for (const volume of image.volumes) await fs.mkdir(hostPath(volume), { recursive: true });
  const env = Object.fromEntries(Object.entries(last.env).map(([k, v]) => [k, v.startsWith('/') ? hostPath(v) : v]));
  const [program, ...rest] = image.entrypoint;
  return {
    ...image, root, env, workdir: hostPath(last.workdir), hostPath,
    entrypoint: program ? [program.startsWith('/') ? hostPath(program) : program, ...rest] : [],
  };
}

async function copy(
  instruction: Instruction, from: StageState | undefined, context: string,
  ignored: (p: string) => boolean, at: (p: string) => string,
): Promise<void> {
  if (instruction.flags.from && !from) throw new Error(`line ${instruction.line}: no stage ${instruction.flags.from}`);
  const words = instruction.args.split(/\s+/);
  const destination = words.pop() as string;
  const intoFolder = words.length > 1 || destination.endsWith('/');
  for (const source of words) {
    const sourcePath = from ? path.join(from.root, source) : path.join(context, source);
    if (!from && ignored(source)) throw new Error(`line ${instruction.line}: ${source} is left out by .dockerignore`);
    const stat = await fs.stat(sourcePath);
    const target = stat.isDirectory() || !intoFolder ? at(destination) : path.join(at(destination), path.basename(source));
    await fs.cp(sourcePath, target, {
      recursive: true, verbatimSymlinks: true,
      filter: (p) => from !== undefined || !ignored(path.relative(context, p).split(path.sep).join('/')),
    });
    if (instruction.flags.chmod) await fs.chmod(target, Number.parseInt(instruction.flags.chmod, 8));
  }
}

/** One RUN: each `&&` step is replayed, taken from this machine, or refused. */
async function runStep(instruction: Instruction, context: string, cwd: string, root: string): Promise<void> {
  for (const step of instruction.args.split('&&').map((s) => s.trim())) {
    if (/^npm ci\b/.test(step)) {
      await linkNodeModules(context, cwd, /--omit=dev\b/.test(step));
    } else if (step === 'npm run build') {
      await run('npm', ['run', 'build'], { cwd }).catch((error: { stdout?: string; stderr?: string }) => {
        throw new Error(`npm run build failed in the replayed build stage:\n${error.stdout ?? ''}${error.stderr ?? ''}`);
      });
    } else if (/^mkdir -p /.test(step)) {
      for (const dir of step.split(/\s+/).slice(2)) await fs.mkdir(path.join(root, dir), { recursive: true });
    } else if (/^(apt-get (update|install)\b|rm -rf \/var\/lib\/apt\/lists|chown )/.test(step)) {
      // OS packages and file owners: this machine stands in for the base image.
    } else {
      throw new Error(`Dockerfile line ${instruction.line}: the replay does not know "${step}"`);
    }
  }
}

/** node_modules as `npm ci` leaves it: all of the project's, or only the production packages. */
async function linkNodeModules(context: string, cwd: string, productionOnly: boolean): Promise<void> {
  const source = path.join(context, 'node_modules');
  const target = path.join(cwd, 'node_modules');
  if (!productionOnly) return fs.symlink(source, target, 'dir');
  const lock = JSON.parse(await fs.readFile(path.join(cwd, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean }>;
  };
  for (const [key, entry] of Object.entries(lock.packages)) {
    if (entry.dev || !/^node_modules\/(@[^/]+\/)?[^/]+$/.test(key)) continue;
    const installed = path.join(context, key);
    if (!(await fs.stat(installed).catch(() => null))) continue; // optional package for another platform
    await fs.mkdir(path.dirname(path.join(cwd, key)), { recursive: true });
    await fs.symlink(installed, path.join(cwd, key), 'dir');
  }
}
