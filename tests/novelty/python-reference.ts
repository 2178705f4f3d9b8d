import { spawnSync } from 'node:child_process';

/**
 * Runs CPython's own `tokenize` (and `ast` for docstring positions) on a file and returns [type, string] pairs:
 * COMMENT, NL, ENCODING and ENDMARKER dropped, docstrings (and the NEWLINE or `;` ending them) dropped as
 * ast.get_docstring defines them. Layout tokens keep their type only.
 */
const SCRIPT = String.raw`
import ast, io, json, sys, tokenize
def reference(path):
  src = open(path, encoding="utf-8").read()
  spans = []
  for node in ast.walk(ast.parse(src)):
      if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and ast.get_docstring(node, clean=False) is not None:
          d = node.body[0]
          spans.append(((d.lineno, d.col_offset), (d.end_lineno, d.end_col_offset)))
  out = []
  drop_next = False
  for tok in tokenize.generate_tokens(io.StringIO(src).readline):
      name = tokenize.tok_name[tok.type]
      if name in ("COMMENT", "NL", "ENCODING", "ENDMARKER"):
          continue
      if any(a <= tok.start and tok.end <= b for a, b in spans):
          drop_next = True
          continue
      if drop_next:
          drop_next = False
          if name == "NEWLINE" or (name == "OP" and tok.string == ";"):
              continue
      out.append([name, "" if name in ("NEWLINE", "INDENT", "DEDENT") else tok.string])
  return out
print(json.dumps({path: reference(path) for path in sys.argv[1:]}))
`;

/** One python3 process for all files: path -> reference token stream. */
export function pythonReferenceTokensMany(files: readonly string[]): Map<string, [string, string][]> {
  const result = spawnSync('/usr/bin/python3', ['-c', SCRIPT, ...files], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`python3 tokenize failed: ${result.stderr}`);
  return new Map(Object.entries(JSON.parse(result.stdout) as Record<string, [string, string][]>));
}

export function pythonReferenceTokens(file: string): [string, string][] {
  return pythonReferenceTokensMany([file]).get(file)!;
}
