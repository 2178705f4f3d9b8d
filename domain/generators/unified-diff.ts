/**
 * Unified diffs for delta generation: an LCS line diff to write them, and a STRICT applier to resolve them.
 * Strict means: hunks in ascending order, every context and removed line equal to the parent's line at the
 * stated position (no fuzz, no offset search), header counts equal to the hunk body. Anything else is a
 * DiffApplyError, recorded as a `diff-apply` rejection: a generator that writes sloppy diffs is measured, not helped.
 */
export class DiffApplyError extends Error {
  override readonly name = 'DiffApplyError';
  constructor(message: string, readonly hunk: number | null) {
    super(message);
  }
}

interface Lines {
  readonly lines: string[];
  readonly finalNewline: boolean;
}

function splitLines(text: string): Lines {
  if (text === '') return { lines: [], finalNewline: true };
  const lines = text.split('\n');
  const finalNewline = lines[lines.length - 1] === '';
  if (finalNewline) lines.pop();
  return { lines, finalNewline };
}

function joinLines({ lines, finalNewline }: Lines): string {
  return lines.length === 0 ? '' : lines.join('\n') + (finalNewline ? '\n' : '');
}

type Op = { readonly kind: ' ' | '-' | '+'; readonly line: string };

/** Longest-common-subsequence edit script; O(n·m) is fine for programs of a few hundred lines. */
function editScript(a: readonly string[], b: readonly string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const width = m + 1;
  const lcs = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i -= 1) {
    for (let j = m - 1; j >= 0; j -= 1) {
      lcs[i * width + j] = a[i] === b[j] ? lcs[(i + 1) * width + j + 1]! + 1 : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) { ops.push({ kind: ' ', line: a[i]! }); i += 1; j += 1; }
    else if (lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!) { ops.push({ kind: '-', line: a[i]! }); i += 1; }
    else { ops.push({ kind: '+', line: b[j]! }); j += 1; }
  }
  while (i < n) ops.push({ kind: '-', line: a[i++]! });
  while (j < m) ops.push({ kind: '+', line: b[j++]! });
  return ops;
}

export interface DiffOptions {
  readonly context?: number;
  readonly fromLabel?: string;
  readonly toLabel?: string;
}

/** A unified diff turning `from` into `to`; '' when they are equal. */
export function createUnifiedDiff(from: string, to: string, options: DiffOptions = {}): string {
  const context = options.context ?? 3;
  const a = splitLines(from);
  const b = splitLines(to);
  if (a.finalNewline !== b.finalNewline) throw new RangeError('both texts must agree on a final newline');
  const ops = editScript(a.lines, b.lines);
  const changed = ops.map((op) => op.kind !== ' ');
  if (!changed.includes(true)) return '';
  const out = [`--- ${options.fromLabel ?? 'a/parent.py'}`, `+++ ${options.toLabel ?? 'b/candidate.py'}`];
  let k = 0;
  while (k < ops.length) {
    if (!changed[k]) { k += 1; continue; }
    // Grow a hunk from this change while the next change lies within 2·context unchanged lines.
    let start = k;
    let back = 0;
    while (start > 0 && back < context && !changed[start - 1]) { start -= 1; back += 1; }
    let end = k;
    for (;;) {
      while (end < ops.length && changed[end]) end += 1;
      let gap = 0;
      while (end + gap < ops.length && !changed[end + gap]) gap += 1;
      if (end + gap < ops.length && gap <= 2 * context) { end += gap; continue; }
      end += Math.min(gap, context);
      break;
    }
    let oldStart = 1;
    let newStart = 1;
    for (let t = 0; t < start; t += 1) { if (ops[t]!.kind !== '+') oldStart += 1; if (ops[t]!.kind !== '-') newStart += 1; }
    const body = ops.slice(start, end);
    const oldCount = body.filter((op) => op.kind !== '+').length;
    const newCount = body.filter((op) => op.kind !== '-').length;
    out.push(`@@ -${oldCount === 0 ? oldStart - 1 : oldStart},${oldCount} +${newCount === 0 ? newStart - 1 : newStart},${newCount} @@`);
    for (const op of body) out.push(op.kind + op.line);
    k = end;
  }
  return out.join('\n') + '\n';
}

interface Hunk {
  readonly oldStart: number;
  readonly oldCount: number;
  readonly newCount: number;
  readonly body: Op[];
}

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

function parseHunks(diff: string): Hunk[] {
  const lines = diff.replace(/\r\n/g, '\n').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const hunks: Hunk[] = [];
  let current: { oldStart: number; oldCount: number; newCount: number; body: Op[] } | null = null;
  for (const line of lines) {
    const header = HUNK_HEADER.exec(line);
    if (header) {
      current = {
        oldStart: Number(header[1]), oldCount: header[2] === undefined ? 1 : Number(header[2]),
        newCount: header[4] === undefined ? 1 : Number(header[4]), body: [],
      };
      hunks.push(current);
      continue;
    }
    if (current === null) {
      if (line.startsWith('--- ') || line.startsWith('+++ ') || line.startsWith('diff ') || line.startsWith('index ')) continue;
      throw new DiffApplyError(`unexpected line before the first hunk: ${JSON.stringify(line.slice(0, 80))}`, null);
    }
    if (line.startsWith('\\')) continue; // "\ No newline at end of file"
    const kind = line[0];
    if (kind === ' ' || kind === '-' || kind === '+') current.body.push({ kind, line: line.slice(1) });
    else if (line === '') current.body.push({ kind: ' ', line: '' }); // editors strip the space of empty context lines
    else throw new DiffApplyError(`hunk ${hunks.length}: line does not start with ' ', '-' or '+': ${JSON.stringify(line.slice(0, 80))}`, hunks.length);
  }
  if (hunks.length === 0) throw new DiffApplyError('the diff has no hunks', null);
  return hunks;
}

/** Applies a unified diff to `original` strictly; throws DiffApplyError naming the first hunk that does not fit. */
export function applyUnifiedDiff(original: string, diff: string): string {
  const source = splitLines(original);
  const hunks = parseHunks(diff);
  const result: string[] = [];
  let cursor = 0; // 0-based index of the next unconsumed original line
  hunks.forEach((hunk, h) => {
    const n = h + 1;
    const oldLines = hunk.body.filter((op) => op.kind !== '+').length;
    const newLines = hunk.body.filter((op) => op.kind !== '-').length;
    if (oldLines !== hunk.oldCount || newLines !== hunk.newCount) {
      throw new DiffApplyError(`hunk ${n}: header says -${hunk.oldCount} +${hunk.newCount} lines, body has -${oldLines} +${newLines}`, n);
    }
    const start = hunk.oldCount === 0 ? hunk.oldStart : hunk.oldStart - 1;
    if (start < cursor) throw new DiffApplyError(`hunk ${n}: starts at line ${hunk.oldStart}, before the end of the previous hunk (hunks must be in order)`, n);
    if (start + hunk.oldCount > source.lines.length) {
      throw new DiffApplyError(`hunk ${n}: needs lines ${hunk.oldStart}..${start + hunk.oldCount} but the parent has ${source.lines.length}`, n);
    }
    result.push(...source.lines.slice(cursor, start));
    let at = start;
    for (const op of hunk.body) {
      if (op.kind === '+') { result.push(op.line); continue; }
      const actual = source.lines[at];
      if (actual !== op.line) {
        throw new DiffApplyError(`hunk ${n}: line ${at + 1} of the parent is ${JSON.stringify(actual)}, the diff expects ${JSON.stringify(op.line)}`, n);
      }
      if (op.kind === ' ') result.push(op.line);
      at += 1;
    }
    cursor = at;
  });
  result.push(...source.lines.slice(cursor));
  return joinLines({ lines: result, finalNewline: source.finalNewline });
}
