/**
 * Reads the fleet's Dockerfiles and .dockerignore well enough to check, without a Docker engine, what each build
 * stage copies: that every source exists and is let through by .dockerignore (a typo would only show at
 * `docker build`, which nobody can run on the development machines) and that nothing from tests/ reaches an image.
 * Only the Dockerfile forms our files use; anything else is reported, so the files and this reader cannot drift.
 */
import { existsSync } from 'node:fs';
import { join, posix } from 'node:path';

export interface Copy { readonly line: number; readonly from: string | null; readonly sources: readonly string[]; readonly dest: string }
export interface Stage {
  readonly name: string | null;
  readonly copies: readonly Copy[];
  readonly runs: readonly string[];
  readonly workdir: string;
  readonly entrypoints: number;
}

/** Instructions with their continuation lines joined (comment lines inside a continuation are dropped, as Docker does). */
function instructions(text: string): { line: number; keyword: string; args: string }[] {
  const out: { line: number; keyword: string; args: string }[] = [];
  let pending: { line: number; text: string } | null = null;
  text.split('\n').forEach((raw, i) => {
    const trimmed = raw.trim();
    if (trimmed.startsWith('#') || (!pending && trimmed === '')) return;
    const continued = trimmed.endsWith('\\');
    const part = continued ? trimmed.slice(0, -1) : trimmed;
    pending = pending ? { line: pending.line, text: `${pending.text} ${part}` } : { line: i + 1, text: part };
    if (continued) return;
    const [keyword = '', ...rest] = pending.text.trim().split(/\s+/);
    out.push({ line: pending.line, keyword: keyword.toUpperCase(), args: rest.join(' ') });
    pending = null;
  });
  return out;
}

export function parseDockerfile(text: string): { stages: Stage[]; problems: string[] } {
  const stages: { name: string | null; copies: Copy[]; runs: string[]; workdir: string; entrypoints: number }[] = [];
  const problems: string[] = [];
  for (const { line, keyword, args } of instructions(text)) {
    if (keyword === 'FROM') {
      const match = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!match) problems.push(`line ${line}: FROM ${args}: expected FROM <image> [AS <name>]`);
      stages.push({ name: match?.[2] ?? null, copies: [], runs: [], workdir: '/', entrypoints: 0 });
      continue;
    }
    const stage = stages[stages.length - 1];
    if (!stage) { problems.push(`line ${line}: ${keyword} before the first FROM`); continue; }
    if (keyword === 'WORKDIR') stage.workdir = posix.resolve(stage.workdir, args);
    else if (keyword === 'RUN') stage.runs.push(args);
    else if (keyword === 'ENTRYPOINT') stage.entrypoints++;
    else if (keyword === 'ADD') problems.push(`line ${line}: ADD: use COPY (ADD fetches URLs and unpacks archives)`);
    else if (keyword === 'COPY') {
      const words = args.split(/\s+/);
      let from: string | null = null;
      while (words[0]?.startsWith('--')) {
        const flag = words.shift()!;
        if (flag.startsWith('--from=')) from = flag.slice('--from='.length);
        else if (!/^--(chown|chmod)=/.test(flag) && flag !== '--link') problems.push(`line ${line}: COPY ${flag}: not a flag this reader knows`);
      }
      if (words[0]?.startsWith('[')) problems.push(`line ${line}: COPY [...]: write the plain form`);
      if (words.length < 2) problems.push(`line ${line}: COPY needs a source and a destination`);
      const dest = words.pop() ?? '';
      if (words.some((w) => /[*?[]/.test(w))) problems.push(`line ${line}: COPY ${args}: name the sources, no wildcards`);
      stage.copies.push({ line, from, sources: words, dest: posix.resolve(stage.workdir, dest) + (dest.endsWith('/') ? '/' : '') });
    }
  }
  return { stages, problems };
}

/** .dockerignore patterns as regular expressions over context-relative paths; `!` exceptions are not supported. */
export function parseDockerignore(text: string): { patterns: { text: string; re: RegExp }[]; problems: string[] } {
  const problems: string[] = [];
  const patterns = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')).flatMap((text) => {
    if (text.startsWith('!')) { problems.push(`.dockerignore ${text}: exceptions (!) are not supported by this reader`); return []; }
    const body = text.replace(/^\/+/, '').replace(/\/+$/, '').split('**/').map((piece) => piece
      .replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')).join('(?:.*/)?');
    return [{ text, re: new RegExp(`^${body}$`) }];
  });
  return { patterns, problems };
}

/** The pattern that keeps `path` (or a folder above it) out of the build context, or null. */
export function ignoredBy(patterns: readonly { text: string; re: RegExp }[], path: string): string | null {
  const parts = posix.normalize(path).replace(/^\.\/?/, '').replace(/\/$/, '').split('/');
  for (let n = 1; n <= parts.length; n++) {
    const prefix = parts.slice(0, n).join('/');
    const hit = patterns.find((p) => p.re.test(prefix));
    if (hit) return hit.text;
  }
  return null;
}

const hasTestsSegment = (path: string): boolean => path.split('/').includes('tests');

/**
 * Everything wrong with a Dockerfile's copies: a context source that does not exist under `context` or that
 * .dockerignore drops, a --from naming no earlier stage, anything from tests/ in any stage, and a final (runtime)
 * stage that copies a whole context or stage (which would carry tests/ and the sources along).
 */
export function copyProblems(text: string, context: string, dockerignore: string): string[] {
  const { stages, problems } = parseDockerfile(text);
  const ignore = parseDockerignore(dockerignore);
  problems.push(...ignore.problems);
  stages.forEach((stage, index) => {
    const runtime = index === stages.length - 1;
    const earlier = new Set(stages.slice(0, index).map((s) => s.name).filter((n): n is string => n !== null));
    for (const copy of stage.copies) {
      const at = `line ${copy.line}: COPY ${copy.from ? `--from=${copy.from} ` : ''}${copy.sources.join(' ')}`;
      if (copy.from !== null && !earlier.has(copy.from)) problems.push(`${at}: --from names no earlier stage`);
      for (const source of copy.sources) {
        if (hasTestsSegment(posix.normalize(source))) problems.push(`${at}: copies tests (${source}) into ${runtime ? 'the runtime image' : 'a build stage'}`);
        if (runtime && ['.', '/', '/app'].includes(posix.normalize(source).replace(/\/$/, '') || '/')) {
          problems.push(`${at}: the runtime stage copies a whole ${copy.from ? 'stage' : 'context'} (tests and sources with it): name what runs`);
        }
        if (copy.from !== null) continue;
        if (!existsSync(join(context, source))) problems.push(`${at}: ${source} does not exist in the repository`);
        const ignoredPattern = ignoredBy(ignore.patterns, source);
        if (ignoredPattern) problems.push(`${at}: ${source} is left out of the build context by .dockerignore (${ignoredPattern})`);
      }
    }
  });
  const last = stages[stages.length - 1];
  if (last && last.entrypoints !== 1) problems.push(`the runtime stage has ${last.entrypoints} ENTRYPOINT lines; the fleet test reads exactly one`);
  return problems;
}

/** The paths (relative to the WORKDIR) that the runtime stage's COPY lines put there, in order. */
export function runtimePaths(text: string): string[] {
  const { stages } = parseDockerfile(text);
  const last = stages[stages.length - 1];
  if (!last) return [];
  return last.copies.flatMap((copy) => copy.sources.map((source) => {
    const into = copy.dest.endsWith('/') || copy.sources.length > 1;
    const target = into ? posix.join(copy.dest, posix.basename(source)) : copy.dest;
    return posix.relative(last.workdir, target);
  }));
}
