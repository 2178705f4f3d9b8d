import { LedgerError } from '../shared/ledger-error';

/**
 * A Python 3.11 lexer that agrees with the standard library's `tokenize` on NAME, NUMBER, STRING, OP, NEWLINE,
 * INDENT and DEDENT (f-strings are one STRING token, as tokenize emits them before 3.12). COMMENT, NL, ENCODING and
 * ENDMARKER are not emitted. Docstrings are removed by `stripDocstrings` (a separate pass, so the raw stream can be
 * checked against tokenize).
 */
export type TokenKind = 'keyword' | 'name' | 'number' | 'string' | 'op' | 'newline' | 'indent' | 'dedent';

export interface PyToken {
  readonly kind: TokenKind;
  /** Source text; layout tokens use texts that no source token can have: "\n" NEWLINE, "\t>" INDENT, "\t<" DEDENT. */
  readonly text: string;
  /** 1-based line and 0-based column of the token's start, as tokenize reports them. */
  readonly line: number;
  readonly col: number;
}

export const NEWLINE_TEXT = '\n';
export const INDENT_TEXT = '\t>';
export const DEDENT_TEXT = '\t<';

/** Source that cannot be tokenized; a LedgerError('BAD_INPUT') the loop records as a `parse` rejection reason. */
export class LexError extends LedgerError {
  constructor(message: string, readonly line: number, readonly col: number) {
    super('BAD_INPUT', `cannot tokenize Python source: ${message} (line ${line}, column ${col})`,
      'Fix the source so that `python3 -m tokenize` accepts it; the candidate is rejected at the parse stage.',
      { line, col });
  }
}

/** keyword.kwlist of Python 3.11 (soft keywords match/case/_ are names, as tokenize reports them). */
export const PYTHON_KEYWORDS: ReadonlySet<string> = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif',
  'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or',
  'pass', 'raise', 'return', 'try', 'while', 'with', 'yield',
]);

const STRING_PREFIXES: ReadonlySet<string> = new Set(['r', 'u', 'b', 'br', 'rb', 'f', 'fr', 'rf']);

const OPERATORS_3 = new Set(['**=', '//=', '>>=', '<<=', '...']);
const OPERATORS_2 = new Set(['->', ':=', '==', '!=', '<=', '>=', '**', '//', '<<', '>>', '+=', '-=', '*=', '/=', '%=',
  '&=', '|=', '^=', '@=']);
const OPERATORS_1 = new Set(['+', '-', '*', '/', '%', '@', '&', '|', '^', '~', '<', '>', '(', ')', '[', ']', '{', '}',
  ',', ':', ';', '.', '=']);
const CLOSING: Readonly<Record<string, string>> = { ')': '(', ']': '[', '}': '{' };

// The Number pattern of Lib/tokenize.py (imaginary, then float, then integer: the first alternative that matches).
const DIGITS = '[0-9](?:_?[0-9])*';
const EXPONENT = `[eE][-+]?${DIGITS}`;
const POINT_FLOAT = `(?:${DIGITS}\\.(?:${DIGITS})?|\\.${DIGITS})(?:${EXPONENT})?`;
const EXP_FLOAT = `${DIGITS}${EXPONENT}`;
const FLOAT = `(?:${POINT_FLOAT}|${EXP_FLOAT})`;
const IMAG = `(?:${DIGITS}[jJ]|${FLOAT}[jJ])`;
const INT = '(?:0[xX](?:_?[0-9a-fA-F])+|0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|(?:0(?:_?0)*|[1-9](?:_?[0-9])*))';
const NUMBER_RE = new RegExp(`(?:${IMAG}|${FLOAT}|${INT})`, 'y');

const ID_START_RE = /[\p{L}\p{Nl}_]/u;
const ID_CONTINUE_RE = /[\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}_]/u;

function isIdStart(c: number, ch: string): boolean {
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
  return ID_START_RE.test(ch);
}

function isIdContinue(c: number, ch: string): boolean {
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
  return ID_CONTINUE_RE.test(ch);
}

/** Tokenizes Python source. Throws LexError on anything tokenize would reject. */
export function tokenizePython(input: string): PyToken[] {
  const src = input.replace(/\r\n?/g, '\n');
  const n = src.length;
  const tokens: PyToken[] = [];
  const indents: number[] = [0];
  const brackets: string[] = [];
  let pos = 0;
  let line = 1;
  let lineStart = 0;
  let atLineStart = true;
  let lineHasTokens = false;

  const push = (kind: TokenKind, text: string, start: number, startLine = line, startLineStart = lineStart): void => {
    tokens.push({ kind, text, line: startLine, col: start - startLineStart });
    lineHasTokens = true;
  };

  while (pos < n) {
    if (atLineStart && brackets.length === 0) {
      let col = 0;
      let p = pos;
      for (; p < n; p++) {
        const ch = src[p];
        if (ch === ' ') col++;
        else if (ch === '\t') col = (Math.floor(col / 8) + 1) * 8;
        else if (ch === '\f') col = 0;
        else break;
      }
      const ch = src[p];
      if (p >= n) { pos = p; break; }
      if (ch === '#' || ch === '\n') {
        // A blank or comment-only line: tokenize emits NL (and COMMENT) and no indentation change.
        while (p < n && src[p] !== '\n') p++;
        pos = p + 1;
        line++;
        lineStart = pos;
        continue;
      }
      const top = indents[indents.length - 1]!;
      if (col > top) {
        indents.push(col);
        tokens.push({ kind: 'indent', text: INDENT_TEXT, line, col: 0 });
      } else if (col < top) {
        while (indents.length > 1 && col < indents[indents.length - 1]!) {
          indents.pop();
          tokens.push({ kind: 'dedent', text: DEDENT_TEXT, line, col: p - lineStart });
        }
        if (col !== indents[indents.length - 1]) throw new LexError('unindent does not match any outer indentation level', line, p - lineStart);
      }
      pos = p;
      atLineStart = false;
      lineHasTokens = false;
    }
    const c = src.charCodeAt(pos);
    if (c === 32 || c === 9 || c === 12) { pos++; continue; }
    const ch = src[pos]!;
    if (ch === '#') {
      while (pos < n && src[pos] !== '\n') pos++;
      continue;
    }
    if (ch === '\n') {
      if (brackets.length === 0 && lineHasTokens) {
        push('newline', NEWLINE_TEXT, pos);
        atLineStart = true;
      } else if (brackets.length === 0) {
        atLineStart = true;
      }
      pos++;
      line++;
      lineStart = pos;
      continue;
    }
    if (ch === '\\') {
      if (src[pos + 1] === '\n') {
        pos += 2;
        line++;
        lineStart = pos;
        continue;
      }
      throw new LexError('unexpected character after line continuation character', line, pos - lineStart);
    }
    if (isIdStart(c, ch)) {
      let end = pos + 1;
      while (end < n) {
        const cc = src.charCodeAt(end);
        if (cc >= 0xd800 && cc <= 0xdbff) {
          if (!isIdContinue(src.codePointAt(end)!, String.fromCodePoint(src.codePointAt(end)!))) break;
          end += 2;
        } else if (isIdContinue(cc, src[end]!)) end++;
        else break;
      }
      const word = src.slice(pos, end);
      const next = src[end];
      if ((next === '"' || next === "'") && STRING_PREFIXES.has(word.toLowerCase())) {
        pos = lexString(end, pos);
        continue;
      }
      push(PYTHON_KEYWORDS.has(word) ? 'keyword' : 'name', word, pos);
      pos = end;
      continue;
    }
    if ((c >= 48 && c <= 57) || (ch === '.' && /[0-9]/.test(src[pos + 1] ?? ''))) {
      NUMBER_RE.lastIndex = pos;
      const m = NUMBER_RE.exec(src);
      if (!m) throw new LexError('invalid number', line, pos - lineStart);
      push('number', m[0], pos);
      pos += m[0].length;
      continue;
    }
    if (ch === '"' || ch === "'") {
      pos = lexString(pos, pos);
      continue;
    }
    let op: string | null = OPERATORS_1.has(ch) || ch === '!' ? ch : null;
    const next = src.charCodeAt(pos + 1);
    // Only '=', '>', '<', '*', '/', '.' can extend an operator; test the longer forms just then (no substrings
    // for the common single-character case).
    if (next === 61 || next === 62 || next === 60 || next === 42 || next === 47 || next === 46) {
      const two = src.slice(pos, pos + 2);
      const three = src.slice(pos, pos + 3);
      if (OPERATORS_3.has(three)) op = three;
      else if (OPERATORS_2.has(two)) op = two;
    }
    if (op === '!') op = null;
    if (op === null) throw new LexError(`unexpected character ${JSON.stringify(ch)}`, line, pos - lineStart);
    if (op === '(' || op === '[' || op === '{') brackets.push(op);
    else if (op in CLOSING) {
      if (brackets.pop() !== CLOSING[op]) throw new LexError(`unmatched '${op}'`, line, pos - lineStart);
    }
    push('op', op, pos);
    pos += op.length;
  }
  if (brackets.length > 0) throw new LexError('EOF in multi-line statement (unclosed bracket)', line, pos - lineStart);
  if (lineHasTokens && !atLineStart) tokens.push({ kind: 'newline', text: NEWLINE_TEXT, line, col: pos - lineStart });
  while (indents.length > 1) {
    indents.pop();
    tokens.push({ kind: 'dedent', text: DEDENT_TEXT, line: line + 1, col: 0 });
  }
  return tokens;

  /** Lexes a string literal whose quote is at `quoteAt` (prefix starts at `start`); returns the end offset. */
  function lexString(quoteAt: number, start: number): number {
    const startLine = line;
    const startLineStart = lineStart;
    const q = src[quoteAt]!;
    const triple = src[quoteAt + 1] === q && src[quoteAt + 2] === q;
    let p = quoteAt + (triple ? 3 : 1);
    for (;;) {
      if (p >= n) {
        throw new LexError(triple ? 'unterminated triple-quoted string literal' : 'unterminated string literal', startLine, start - startLineStart);
      }
      const cc = src[p]!;
      if (cc === '\\') {
        if (src[p + 1] === '\n') { line++; lineStart = p + 2; }
        p += 2;
        continue;
      }
      if (cc === '\n') {
        if (!triple) throw new LexError('unterminated string literal', startLine, start - startLineStart);
        line++;
        lineStart = p + 1;
        p++;
        continue;
      }
      if (cc === q && (!triple || (src[p + 1] === q && src[p + 2] === q))) {
        p += triple ? 3 : 1;
        break;
      }
      p++;
    }
    push('string', src.slice(start, p), start, startLine, startLineStart);
    return p;
  }
}

/** The prefix letters of a string token, lower-cased ("" for a plain string). */
export function stringPrefix(text: string): string {
  let i = 0;
  while (i < text.length && text[i] !== '"' && text[i] !== "'") i++;
  return text.slice(0, i).toLowerCase();
}

function isDocstringLiteral(token: PyToken): boolean {
  if (token.kind !== 'string') return false;
  const prefix = stringPrefix(token.text);
  return !prefix.includes('b') && !prefix.includes('f');
}

/**
 * Drops docstrings: a statement made only of (implicitly concatenated) plain string literals that is the first
 * statement of the module, a class or a function body, as `ast.get_docstring` defines it. The NEWLINE (or `;`)
 * ending that statement goes with it.
 */
export function stripDocstrings(tokens: readonly PyToken[]): PyToken[] {
  const firstStatements = new Set<number>([0]);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'keyword' || (t.text !== 'def' && t.text !== 'class')) continue;
    const prev = tokens[i - 1];
    const atStatementStart = !prev || prev.kind === 'newline' || prev.kind === 'indent' || prev.kind === 'dedent'
      || (prev.kind === 'keyword' && prev.text === 'async') || (prev.kind === 'op' && prev.text === ';');
    if (!atStatementStart) continue;
    let depth = 0;
    let j = i + 1;
    for (; j < tokens.length; j++) {
      const u = tokens[j]!;
      if (u.kind !== 'op') continue;
      if (u.text === '(' || u.text === '[' || u.text === '{') depth++;
      else if (u.text === ')' || u.text === ']' || u.text === '}') depth--;
      else if (u.text === ':' && depth === 0) break;
    }
    const after = tokens[j + 1];
    if (!after) continue;
    if (after.kind === 'newline') {
      if (tokens[j + 2]?.kind === 'indent') firstStatements.add(j + 3);
    } else {
      firstStatements.add(j + 1);
    }
  }
  const drop = new Uint8Array(tokens.length);
  for (const start of firstStatements) {
    let j = start;
    while (j < tokens.length && isDocstringLiteral(tokens[j]!)) j++;
    if (j === start) continue;
    const end = tokens[j];
    if (end && !(end.kind === 'newline' || (end.kind === 'op' && end.text === ';'))) continue;
    for (let k = start; k < j; k++) drop[k] = 1;
    if (end) drop[j] = 1;
  }
  return tokens.filter((_, i) => !drop[i]);
}
