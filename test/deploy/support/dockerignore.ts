/** `.dockerignore` as Docker reads it: last matching pattern wins, a match on a parent folder counts. */
import fs from 'node:fs';

interface Rule { negated: boolean; pattern: RegExp }

function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*' && glob[i + 1] === '*') {
      source += '.*';
      i++;
      if (glob[i + 1] === '/') i++;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** A predicate telling whether a context-relative path (posix) is left out of the build context. */
export function readDockerignore(file: string): (relativePath: string) => boolean {
  const rules: Rule[] = fs.existsSync(file)
    ? fs.readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'))
        .map((line) => {
          const negated = line.startsWith('!');
          const glob = (negated ? line.slice(1) : line).trim().replace(/^\/+/, '').replace(/\/+$/, '');
          return { negated, pattern: globToRegExp(glob) };
        })
    : [];
  return (relativePath) => {
    const parts = relativePath.split('/');
    const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    let excluded = false;
    for (const rule of rules) {
      if (candidates.some((c) => rule.pattern.test(c))) excluded = !rule.negated;
    }
    return excluded;
  };
}
