import type { PyToken } from './python-lexer';

/**
 * LEMUR-style name normalisation: names the program declares (local variables, parameters, class names, module-level
 * and nested helper functions, loop and comprehension variables, `with`/`except ... as` targets) are renamed v0, v1,
 * ... by order of first appearance. Kept as written: attribute names after `.`, method names and class attributes
 * (they are attributes too), keyword-argument names in calls (they belong to the callee's API), imported names
 * (torch, nn, F, ...), builtins and dunder names. Renaming is consistent over the whole file, so two programs that
 * differ only in those declared names get the same token stream.
 */
export function normalizeNames(tokens: readonly PyToken[]): PyToken[] {
  const declared = collectDeclaredNames(tokens);
  const renamed = new Map<string, string>();
  const out: PyToken[] = [];
  const callParens = callParenthesesKinds(tokens);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'name' || !declared.has(t.text) || isAttribute(tokens, i) || isKeywordArgument(tokens, i, callParens)) {
      out.push(t);
      continue;
    }
    let alias = renamed.get(t.text);
    if (alias === undefined) {
      alias = `v${renamed.size}`;
      renamed.set(t.text, alias);
    }
    out.push({ ...t, text: alias });
  }
  return out;
}

/** Python 3.11 builtins (dir(builtins) without the exception classes' long tail) plus names the PyTorch world shares. */
const KEPT_NAMES: ReadonlySet<string> = new Set([
  'abs', 'all', 'any', 'ascii', 'bin', 'bool', 'breakpoint', 'bytearray', 'bytes', 'callable', 'chr', 'classmethod',
  'compile', 'complex', 'delattr', 'dict', 'dir', 'divmod', 'enumerate', 'eval', 'exec', 'filter', 'float', 'format',
  'frozenset', 'getattr', 'globals', 'hasattr', 'hash', 'help', 'hex', 'id', 'input', 'int', 'isinstance',
  'issubclass', 'iter', 'len', 'list', 'locals', 'map', 'max', 'memoryview', 'min', 'next', 'object', 'oct', 'open',
  'ord', 'pow', 'print', 'property', 'range', 'repr', 'reversed', 'round', 'set', 'setattr', 'slice', 'sorted',
  'staticmethod', 'str', 'sum', 'super', 'tuple', 'type', 'vars', 'zip', '__import__', 'Exception', 'ValueError',
  'TypeError', 'RuntimeError', 'NotImplementedError', 'KeyError', 'IndexError', 'AssertionError',
  'torch', 'nn', 'F', 'functional', 'np', 'math', 'Tensor', 'Module', 'Optional', 'List', 'Tuple', 'Dict', 'Any',
  'Union', 'Callable', 'Sequence', 'forward', 'match', 'case', '_',
]);

type Scope = 'class' | 'def' | 'block';

/** Names the program binds, outside class bodies (whose bindings are attributes). */
function collectDeclaredNames(tokens: readonly PyToken[]): Set<string> {
  const declared = new Set<string>();
  const declare = (name: string): void => {
    if (!KEPT_NAMES.has(name) && !(name.startsWith('__') && name.endsWith('__'))) declared.add(name);
  };
  const scopes: Scope[] = [];
  let pendingScope: Scope = 'block';
  let statementStart = 0;
  const enclosing = (): Scope | undefined => {
    for (let k = scopes.length - 1; k >= 0; k--) if (scopes[k] !== 'block') return scopes[k];
    return undefined;
  };
  for (let i = 0; i <= tokens.length; i++) {
    const t = tokens[i];
    const ends = !t || t.kind === 'newline' || t.kind === 'indent' || t.kind === 'dedent' || (t.kind === 'op' && t.text === ';');
    if (!ends) continue;
    const statement = tokens.slice(statementStart, i);
    const first = statement[0];
    if (first) {
      const head = first.kind === 'keyword' && first.text === 'async' ? statement[1] : first;
      pendingScope = head?.kind === 'keyword' && (head.text === 'def' || head.text === 'class') ? head.text : 'block';
      declareInStatement(statement, enclosing() === 'class', declare);
    }
    if (t?.kind === 'indent') scopes.push(pendingScope);
    if (t?.kind === 'dedent') scopes.pop();
    statementStart = i + 1;
  }
  return declared;
}

function declareInStatement(s: readonly PyToken[], inClassBody: boolean, declare: (name: string) => void): void {
  const isOp = (k: number, text: string): boolean => s[k]?.kind === 'op' && s[k].text === text;
  const isKw = (k: number, text: string): boolean => s[k]?.kind === 'keyword' && s[k].text === text;
  const isImport = isKw(0, 'import') || isKw(0, 'from');
  if (isImport) return;
  let k0 = isKw(0, 'async') ? 1 : 0;
  if (isKw(k0, 'def') || isKw(k0, 'class')) {
    const name = s[k0 + 1];
    // Methods and nested classes of a class body are attributes: keep their names.
    if (name?.kind === 'name' && !inClassBody) declare(name.text);
    if (isKw(k0, 'def')) declareParameters(s, k0 + 2, declare);
    k0 = s.length;
  }
  let depth = 0;
  const topLevelAssign: number[] = [];
  for (let k = 0; k < s.length; k++) {
    const t = s[k]!;
    if (t.kind === 'op') {
      if (t.text === '(' || t.text === '[' || t.text === '{') depth++;
      else if (t.text === ')' || t.text === ']' || t.text === '}') depth--;
      else if (depth === 0 && (t.text === '=' || /^(\*\*|\/\/|>>|<<|[-+*/%@&|^])=$/.test(t.text))) topLevelAssign.push(k);
      else if (t.text === ':=' && s[k - 1]?.kind === 'name') declare(s[k - 1]!.text);
    } else if (t.kind === 'keyword') {
      if (t.text === 'for') declareTargets(s, k + 1, (u) => u.kind === 'keyword' && u.text === 'in', declare);
      else if (t.text === 'as' && s[k + 1]?.kind === 'name') declare(s[k + 1]!.text);
      else if (t.text === 'lambda') declareParameters(s, k + 1, declare, true);
    }
  }
  if (inClassBody || k0 >= s.length) return;
  // Assignment targets: every segment before the last top-level `=`; an annotation (`x: int = ...`) is cut off.
  let segmentStart = 0;
  for (const eq of topLevelAssign) {
    declareTargets(s.slice(segmentStart, eq), 0, (u) => u.kind === 'op' && u.text === ':', declare);
    segmentStart = eq + 1;
  }
  if (topLevelAssign.length === 0 && s[0]?.kind === 'name' && isOp(1, ':')) declare(s[0].text);
}

/** Names in a target list (up to `stop` at depth 0) that are bound, not subscripted or attribute bases. */
function declareTargets(s: readonly PyToken[], from: number, stop: (t: PyToken) => boolean, declare: (name: string) => void): void {
  let depth = 0;
  for (let k = from; k < s.length; k++) {
    const t = s[k]!;
    if (depth === 0 && stop(t)) return;
    if (t.kind === 'op' && (t.text === '(' || t.text === '[' || t.text === '{')) depth++;
    else if (t.kind === 'op' && (t.text === ')' || t.text === ']' || t.text === '}')) depth--;
    else if (t.kind === 'name') {
      const prev = s[k - 1];
      const next = s[k + 1];
      const attributeBase = next?.kind === 'op' && (next.text === '.' || next.text === '[' || next.text === '(');
      const attribute = prev?.kind === 'op' && prev.text === '.';
      const insideSubscript = depth > 0 && s.slice(from, k).some((u) => u.kind === 'op' && u.text === '[');
      if (!attributeBase && !attribute && !insideSubscript) declare(t.text);
    }
  }
}

/** Parameters of a def header (from its `(`) or a lambda (up to its `:`). */
function declareParameters(s: readonly PyToken[], from: number, declare: (name: string) => void, lambda = false): void {
  let depth = lambda ? 1 : 0;
  for (let k = from; k < s.length; k++) {
    const t = s[k]!;
    if (t.kind === 'op') {
      if (t.text === '(' || t.text === '[' || t.text === '{') depth++;
      else if (t.text === ')' || t.text === ']' || t.text === '}') { depth--; if (depth === 0) return; }
      else if (lambda && depth === 1 && t.text === ':') return;
      continue;
    }
    if (t.kind !== 'name' || depth !== 1) continue;
    const prev = s[k - 1];
    const opensParameter = !prev || (prev.kind === 'keyword' && prev.text === 'lambda')
      || (prev.kind === 'op' && (prev.text === '(' || prev.text === ',' || prev.text === '*' || prev.text === '**'));
    if (opensParameter) declare(t.text);
  }
}

function isAttribute(tokens: readonly PyToken[], i: number): boolean {
  const prev = tokens[i - 1];
  return prev?.kind === 'op' && prev.text === '.';
}

/** For each `(` token index: true when it opens a call's argument list (not a def header, not a group). */
function callParenthesesKinds(tokens: readonly PyToken[]): Map<number, boolean> {
  const kinds = new Map<number, boolean>();
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'op' || t.text !== '(') continue;
    const prev = tokens[i - 1];
    const beforePrev = tokens[i - 2];
    const isDefHeader = beforePrev?.kind === 'keyword' && (beforePrev.text === 'def' || beforePrev.text === 'class');
    const isCall = !!prev && (prev.kind === 'name' || (prev.kind === 'op' && (prev.text === ')' || prev.text === ']'))
      || prev.kind === 'string');
    kinds.set(i, isCall && !isDefHeader);
  }
  return kinds;
}

/** `name=` directly inside a call's parentheses: the callee's keyword, not a name this program declares. */
function isKeywordArgument(tokens: readonly PyToken[], i: number, callParens: Map<number, boolean>): boolean {
  const next = tokens[i + 1];
  const prev = tokens[i - 1];
  if (!(next?.kind === 'op' && next.text === '=')) return false;
  if (!(prev?.kind === 'op' && (prev.text === '(' || prev.text === ','))) return false;
  let depth = 0;
  for (let k = i - 1; k >= 0; k--) {
    const t = tokens[k]!;
    if (t.kind !== 'op') continue;
    if (t.text === ')' || t.text === ']' || t.text === '}') depth++;
    else if (t.text === '(' || t.text === '[' || t.text === '{') {
      if (depth === 0) return t.text === '(' && callParens.get(k) === true;
      depth--;
    }
  }
  return false;
}
