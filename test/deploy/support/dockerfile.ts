/**
 * A reader for this project's Dockerfile, enough to replay it without a Docker engine: stages,
 * and per instruction its keyword, flags and arguments (exec-form JSON arrays decoded).
 */
import fs from 'node:fs';

export interface Instruction {
  keyword: string;              // upper case: FROM, COPY, RUN, ...
  flags: Record<string, string>; // --from=build → { from: 'build' }
  args: string;                 // the rest of the line, continuations joined
  line: number;                 // 1-based line where it starts
}

export interface Stage {
  name: string;
  image: string;
  instructions: Instruction[];
}

/** Splits the Dockerfile into stages; comments and line continuations are handled as Docker does. */
export function readDockerfile(file: string): Stage[] {
  const stages: Stage[] = [];
  for (const instruction of logicalLines(fs.readFileSync(file, 'utf8'))) {
    if (instruction.keyword === 'FROM') {
      const [image = '', as, name] = instruction.args.split(/\s+/);
      stages.push({ image, name: as?.toUpperCase() === 'AS' && name ? name : String(stages.length), instructions: [] });
    } else {
      const stage = stages.at(-1);
      if (!stage) throw new Error(`line ${instruction.line}: ${instruction.keyword} before FROM`);
      stage.instructions.push(instruction);
    }
  }
  return stages;
}

function logicalLines(text: string): Instruction[] {
  const result: Instruction[] = [];
  let pending: string[] = [];
  let start = 0;
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    if (/^\s*#/.test(line) || (pending.length === 0 && line.trim() === '')) return;
    if (pending.length === 0) start = index + 1;
    const continued = /\\\s*$/.test(line);
    pending.push(continued ? line.replace(/\\\s*$/, '') : line);
    if (continued) return;
    result.push(parseInstruction(pending.join(' ').trim(), start));
    pending = [];
  });
  if (pending.length > 0) result.push(parseInstruction(pending.join(' ').trim(), start));
  return result;
}

function parseInstruction(text: string, line: number): Instruction {
  const match = /^(\S+)\s*(.*)$/s.exec(text);
  if (!match) throw new Error(`line ${line}: cannot read "${text}"`);
  let rest = match[2] ?? '';
  const flags: Record<string, string> = {};
  for (let flag = /^--([a-z-]+)=(\S+)\s*/.exec(rest); flag; flag = /^--([a-z-]+)=(\S+)\s*/.exec(rest)) {
    flags[flag[1] as string] = flag[2] as string;
    rest = rest.slice(flag[0].length);
  }
  return { keyword: (match[1] as string).toUpperCase(), flags, args: rest.trim(), line };
}

/** The arguments of an exec-form instruction (`["a", "b"]`); throws for shell form, which we do not use. */
export function execForm(instruction: Instruction, args = instruction.args): string[] {
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string')) {
    throw new Error(`line ${instruction.line}: ${instruction.keyword} is not in exec form`);
  }
  return parsed;
}

/** `ENV A=1 B="two words"` → { A: '1', B: 'two words' }. */
export function envPairs(instruction: Instruction): Record<string, string> {
  const pairs: Record<string, string> = {};
  const pattern = /([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)/g;
  for (const [, key, value] of instruction.args.matchAll(pattern)) {
    pairs[key as string] = (value as string).startsWith('"') ? JSON.parse(value as string) : (value as string);
  }
  return pairs;
}

/** `HEALTHCHECK --interval=.. CMD ["node", ...]` → the command's argv. */
export function healthcheckCommand(instruction: Instruction): string[] {
  const match = /^CMD\s+(.*)$/s.exec(instruction.args);
  if (!match) throw new Error(`line ${instruction.line}: HEALTHCHECK without CMD`);
  return execForm(instruction, match[1]);
}
