import { spawnSync } from 'node:child_process';

/**
 * Runs CPython's own `tokenize` (and `ast` for docstring positions) on a file and returns [type, string] pairs:
 * COMMENT, NL, ENCODING and ENDMARKER dropped, docstrings (and the NEWLINE or `;` ending them) dropped as
 * ast.get_docstring defines them. Layout tokens keep their type only.
 */
const SCRIPT = String.raw`
import ast, io, json, sys, tokenize
src = open(sys.argv[1], encoding="utf-8").read()
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
print(json.dumps(out))
`;

export function pythonReferenceTokens(file: string): [string, string][] {
  const result = spawnSync('/usr/bin/python3', ['-c', SCRIPT, file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`python3 tokenize failed on ${file}: ${result.stderr}`);
  return JSON.parse(result.stdout) as [string, string][];
}
