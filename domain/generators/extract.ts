/**
 * Pulls the program (or the diff) out of an LLM's answer: fenced blocks first, then bare code with stray prose
 * trimmed. Failure is an ExtractionError, recorded as a `parse` rejection.
 */
export class ExtractionError extends Error {
  override readonly name = 'ExtractionError';
}

interface Fence { readonly lang: string; readonly body: string }

/** Fenced blocks, including a final one the model never closed (it ran out of tokens). */
function fences(text: string): Fence[] {
  const out: Fence[] = [];
  const re = /```[ \t]*([\w+-]*)[^\n]*\n([\s\S]*?)(?:```|$)/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    out.push({ lang: (m[1] ?? '').toLowerCase(), body: m[2] ?? '' });
    if (m[0].length === 0) re.lastIndex += 1;
  }
  return out;
}

const CODE_START = /^(import |from \S+ import |class |def )/;
const CODE_LINE = /^(\s+\S|import |from |class |def |@|#|[A-Za-z_][\w.]*\s*(=|\(|\[)|\)|\]|\}|$)/;

function normalise(code: string): string {
  return code.replace(/\r\n/g, '\n').replace(/\s+$/, '') + '\n';
}

export function extractCode(output: string): string {
  const blocks = fences(output);
  const withNet = blocks.filter((b) => /class\s+Net\s*\(/.test(b.body));
  const pick = withNet.find((b) => b.lang === 'python' || b.lang === 'py') ?? withNet[0];
  if (pick) return normalise(pick.body);
  if (blocks.length === 0) {
    const lines = output.replace(/\r\n/g, '\n').split('\n');
    const first = lines.findIndex((l) => CODE_START.test(l));
    if (first >= 0) {
      let last = lines.length - 1;
      // Trailing prose after the code ("This model uses ...") is unindented and not Python.
      while (last > first && (lines[last]!.trim() === '' || !CODE_LINE.test(lines[last]!))) last -= 1;
      const code = lines.slice(first, last + 1).join('\n');
      if (/class\s+Net\s*\(/.test(code)) return normalise(code);
    }
  }
  throw new ExtractionError(blocks.length > 0
    ? `none of the ${blocks.length} code block(s) in the output defines class Net`
    : 'the output contains no code block and no Python program defining class Net');
}

export function extractDiff(output: string): string {
  const blocks = fences(output);
  const diffBlock = blocks.find((b) => (b.lang === 'diff' || b.lang === 'patch') && /^@@ /m.test(b.body)) ?? blocks.find((b) => /^@@ -\d/m.test(b.body));
  if (diffBlock) return normalise(diffBlock.body);
  const lines = output.replace(/\r\n/g, '\n').split('\n');
  const first = lines.findIndex((l) => l.startsWith('--- ') || l.startsWith('@@ '));
  if (first >= 0) {
    let last = lines.length - 1;
    while (last > first && !/^([ +\-@\\]|$)/.test(lines[last]!)) last -= 1;
    return normalise(lines.slice(first, last + 1).join('\n'));
  }
  throw new ExtractionError('the output contains no unified diff (no @@ hunk)');
}

/** A rough, tokenizer-free output length: words and punctuation marks (grammar and fixtures use it). */
export function approximateTokens(text: string): number {
  return (text.match(/[A-Za-z_]\w*|\d+(?:\.\d+)?|[^\s\w]/g) ?? []).length;
}
