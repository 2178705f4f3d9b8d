/**
 * The peers of `npm run bench:novelty` besides datasketch: rensa (a Rust MinHash with Python bindings, PyPI 0.5.x),
 * run by bench/novelty_rensa.py on the same token file, in the same bench venv (.cache/bench-venv).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export interface RensaResult {
  version: string; bands: number; signatures: number;
  shingleSeconds: number; digestSeconds: number; insertSeconds: number;
  shingleCpuSeconds: number; digestCpuSeconds: number; insertCpuSeconds: number;
  queryP50Ms: number; queryP99Ms: number; peakRssMb: number; indexRssMb: number;
  nearDuplicates: number[][];
}

export interface RensaParams { shingleSize: number; permutations: number; lshThreshold: number; nearDuplicateTau: number }

/** The pip requirement for rensa: the 0.5 line the issue names (bulk digest matrices, RMinHashLSH.insert_matrix). */
export const RENSA_REQUIREMENT = 'rensa>=0.5,<0.6';

export function runRensa(root: string, python: string, tokensFile: string, n: number, params: RensaParams): RensaResult {
  const run = spawnSync(python, [join(root, 'bench', 'novelty_rensa.py'), '--tokens', tokensFile, '--n', String(n),
    '--k', String(params.shingleSize), '--perm', String(params.permutations), '--bands', '16',
    '--threshold', String(params.lshThreshold), '--tau', String(params.nearDuplicateTau)],
  { encoding: 'utf8', maxBuffer: 1 << 30, timeout: 60 * 60_000 });
  if (run.status !== 0) throw new Error(`rensa run failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as RensaResult;
}

/** `--datasketch-limit N` (anywhere in argv): datasketch signs and indexes only the first N corpus programs. */
export function parseArgs(argv: readonly string[]): { sizes: number[]; datasketchLimit: number } {
  const at = argv.indexOf('--datasketch-limit');
  const datasketchLimit = at >= 0 ? Number(argv[at + 1]) : Infinity;
  if (!(datasketchLimit > 0)) throw new Error('--datasketch-limit needs a positive number of programs');
  const sizes = argv.filter((_, i) => at < 0 || (i !== at && i !== at + 1)).map(Number).filter((x) => x > 0);
  return { sizes, datasketchLimit };
}

/** The rensa columns of a result row: throughput against ours (lexing included and not), query, memory. */
export interface OurFigures { signatures: number; signCpu: number; lexCpu: number; signWall: number; lexWall: number; n: number; indexMb: number }

export function rensaColumns(r: RensaResult, ours: OurFigures) {
  const rensaPerCpuS = r.signatures / (r.shingleCpuSeconds + r.digestCpuSeconds);
  const rensaPerS = r.signatures / (r.shingleSeconds + r.digestSeconds);
  const oursWithLexPerCpuS = ours.signatures / (ours.signCpu + ours.lexCpu);
  const oursPerCpuS = ours.signatures / ours.signCpu;
  return {
    rensaVersion: r.version, rensaBands: `${r.bands}x${256 / r.bands}`,
    rensaSigsPerCpuS: Math.round(rensaPerCpuS), rensaDigestOnlyPerCpuS: Math.round(r.signatures / r.digestCpuSeconds),
    rensaSigsPerS: Math.round(rensaPerS),
    sigsWithLexPerCpuS: Math.round(oursWithLexPerCpuS), sigsWithLexPerS: Math.round(ours.signatures / (ours.signWall + ours.lexWall)),
    ratioVsRensaWithLexCpu: +(oursWithLexPerCpuS / rensaPerCpuS).toFixed(2),
    ratioVsRensaNoLexCpu: +(oursPerCpuS / rensaPerCpuS).toFixed(2),
    ratioVsRensaDigestOnlyCpu: +(oursPerCpuS / (r.signatures / r.digestCpuSeconds)).toFixed(2),
    ratioVsRensaWithLexWall: +((ours.signatures / (ours.signWall + ours.lexWall)) / rensaPerS).toFixed(2),
    rensaInsertPerCpuS: Math.round(ours.n / r.insertCpuSeconds),
    rensaP50Ms: +r.queryP50Ms.toFixed(4), rensaP99Ms: +r.queryP99Ms.toFixed(4),
    rensaIndexRssMb: +r.indexRssMb.toFixed(1), rensaMaxRssMb: Math.round(r.peakRssMb),
    indexBytesPerProgram: Math.round((ours.indexMb * 2 ** 20) / ours.n),
    rensaIndexBytesPerProgram: Math.round((r.indexRssMb * 2 ** 20) / ours.n),
  };
}
