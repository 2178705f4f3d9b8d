import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeNames } from '../../domain/novelty/normalize-names';
import { LexError, stripDocstrings, tokenizePython, type PyToken } from '../../domain/novelty/python-lexer';
import { LedgerError } from '../../domain/shared/ledger-error';
import { repoRoot } from '../../src/shared/repo-root';
import { pythonReferenceTokensMany } from './python-reference';

const pyFiles = (dir: string): string[] => {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.py')).sort().map((f) => join(dir, f));
  } catch {
    return [];
  }
};
/** Our own PyTorch corpus (written to exercise the lexer), plus the project's seed corpus of classic architectures. */
const corpusFiles = [...pyFiles(join(repoRoot(), 'tests', 'novelty', 'corpus')), ...pyFiles(join(repoRoot(), 'gpu-agent', 'seed-corpus'))];
const references = pythonReferenceTokensMany(corpusFiles);

const TYPE_OF: Record<PyToken['kind'], string> = {
  keyword: 'NAME', name: 'NAME', number: 'NUMBER', string: 'STRING', op: 'OP',
  newline: 'NEWLINE', indent: 'INDENT', dedent: 'DEDENT',
};

function asReference(tokens: readonly PyToken[]): [string, string][] {
  return tokens.map((t) => {
    const type = TYPE_OF[t.kind];
    return [type, type === 'NEWLINE' || type === 'INDENT' || type === 'DEDENT' ? '' : t.text];
  });
}

describe('python lexer against CPython tokenize', () => {
  it('has a corpus of real PyTorch files to check', () => {
    assert.ok(corpusFiles.length >= 6, `only ${corpusFiles.length} corpus files`);
  });

  for (const path of corpusFiles) {
    it(`matches tokenize (docstrings and comments dropped) on ${path.split('/').slice(-2).join('/')}`, () => {
      const expected = references.get(path)!;
      const actual = asReference(stripDocstrings(tokenizePython(readFileSync(path, 'utf8'))));
      const firstDiff = expected.findIndex((e, i) => JSON.stringify(e) !== JSON.stringify(actual[i]));
      assert.equal(firstDiff, -1, `first difference at token ${firstDiff}: expected ${JSON.stringify(expected.slice(firstDiff, firstDiff + 5))}, got ${JSON.stringify(actual.slice(firstDiff, firstDiff + 5))}`);
      assert.equal(actual.length, expected.length);
      assert.ok(expected.length > 100);
    });
  }
});

describe('python lexer details', () => {
  const texts = (src: string) => stripDocstrings(tokenizePython(src)).map((t) => t.text);

  it('keeps string prefixes, f-strings and bytes as single string tokens', () => {
    const toks = tokenizePython('x = rb"a\\"" + Br\'b\' + f"{y!r:>{w}}" + u"c" + """d\ne"""\n');
    const strings = toks.filter((t) => t.kind === 'string').map((t) => t.text);
    assert.deepEqual(strings, ['rb"a\\""', "Br'b'", 'f"{y!r:>{w}}"', 'u"c"', '"""d\ne"""']);
  });

  it('drops comments and docstrings but keeps other string statements', () => {
    assert.deepEqual(texts('"""mod"""\nx = 1  # c\ndef f():\n    "doc"\n    "not a docstring"\n'),
      ['x', '=', '1', '\n', 'def', 'f', '(', ')', ':', '\n', '\t>', '"not a docstring"', '\n', '\t<']);
  });

  it('joins backslash continuations and ignores newlines inside brackets', () => {
    assert.deepEqual(texts('a = (1,\n  2) + \\\n  3\n'), ['a', '=', '(', '1', ',', '2', ')', '+', '3', '\n']);
  });

  it('emits NEWLINE at end of file without a trailing newline, then the DEDENTs', () => {
    assert.deepEqual(tokenizePython('if x:\n    y').map((t) => t.kind), ['keyword', 'name', 'op', 'newline', 'indent', 'name', 'newline', 'dedent']);
  });

  it('reads every number form', () => {
    const nums = tokenizePython('a = [0x_FF, 0b1, 0o7, 1_000, 1., .5, 1e-3, 2.5E+2j, 3j, 0]\n').filter((t) => t.kind === 'number').map((t) => t.text);
    assert.deepEqual(nums, ['0x_FF', '0b1', '0o7', '1_000', '1.', '.5', '1e-3', '2.5E+2j', '3j', '0']);
  });

  for (const [what, src] of [
    ['an unterminated string', 'x = "abc\ny = 1\n'],
    ['an unterminated triple-quoted string', 'x = """abc\n'],
    ['an unclosed bracket', 'x = foo(1,\n'],
    ['a bad dedent', 'if x:\n        y = 1\n    z = 2\n'],
    ['a stray character', 'x = 1 $ 2\n'],
  ] as const) {
    it(`rejects ${what} with a typed BAD_INPUT error`, () => {
      assert.throws(() => tokenizePython(src), (e: unknown) => e instanceof LexError && e instanceof LedgerError && e.code === 'BAD_INPUT' && /line \d+/.test(e.message));
    });
  }

  it('gives empty and comment-only programs no tokens', () => {
    assert.deepEqual(tokenizePython(''), []);
    assert.deepEqual(tokenizePython('# only a comment\n\n   \n'), []);
  });
});

describe('python lexer robustness', () => {
  it('either tokenizes or throws LexError on 400 damaged copies of real files, never anything else', () => {
    let seed = 12345;
    const next = () => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed / 2 ** 32; };
    const sources = corpusFiles.slice(0, 8).map((f) => readFileSync(f, 'utf8'));
    let rejected = 0;
    for (let i = 0; i < 400; i++) {
      let src = sources[i % sources.length]!;
      for (let e = 0; e < 3; e++) {
        const at = Math.floor(next() * src.length);
        const damage = Math.floor(next() * 4);
        src = damage === 0 ? src.slice(0, at) // truncated
          : damage === 1 ? src.slice(0, at) + src.slice(at + 1 + Math.floor(next() * 20)) // a cut
            : damage === 2 ? src.slice(0, at) + pick(next) + src.slice(at) // an inserted quote / bracket / backslash
              : src.slice(0, at) + '\n' + ' '.repeat(Math.floor(next() * 9)) + src.slice(at); // a broken indent
      }
      try {
        normalizeNames(stripDocstrings(tokenizePython(src)));
      } catch (error) {
        assert.ok(error instanceof LexError, `damaged copy ${i} threw ${String(error)}`);
        rejected++;
      }
    }
    assert.ok(rejected > 50 && rejected < 400, `rejected ${rejected} of 400`);
  });
});

function pick(next: () => number): string {
  return ['"', "'", '"""', '(', ']', '\\', '{', '#', 'f"{'][Math.floor(next() * 9)]!;
}
