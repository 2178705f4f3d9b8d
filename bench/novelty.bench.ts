/**
 * `npm run bench:novelty [-- 1000 10000 1000000] [--datasketch-limit 100000]`: this engine, datasketch and rensa side
 * by side on the same generated corpus of PyTorch programs (bench/novelty-corpus.ts) at 1k, 10k and 100k programs
 * (or the sizes given; the corpus is generated, lexed, signed and written in chunks of 1000, so 1M fits). Both sign the SAME token streams
 * (this engine's lexer output, written to a JSON-lines file), so the comparison is of MinHash + LSH only; lexing is
 * timed separately. datasketch runs in .cache/bench-venv (created here, `pip install datasketch`), with its
 * update_batch fast path and shared permutations; rensa (bench/novelty-peers.ts) in the same venv. With
 * --datasketch-limit N, datasketch signs and indexes only the first N corpus programs (at 1M it would take hours
 * here), and agreement is counted over query x those N. Figures go to stdout; progress to stderr.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_NOVELTY } from '../domain/experiment/config';
import { SignatureSet } from '../domain/novelty/lsh-index';
import { optimalBands } from '../domain/novelty/lsh-parameters';
import { estimateJaccard } from '../domain/novelty/minhash';
import { exactJaccard } from '../domain/novelty/shingles';
import { TextSigner } from '../domain/novelty/text-signature';
import { repoRoot } from '../src/shared/repo-root';
import { program, query } from './novelty-corpus';
import { parseArgs, RENSA_REQUIREMENT, rensaColumns, runRensa } from './novelty-peers';

const root = repoRoot();
const cacheDir = join(root, '.cache', 'bench-novelty');
const venv = join(root, '.cache', 'bench-venv');
const python = join(venv, 'bin', 'python');
const params = DEFAULT_NOVELTY;
const signer = new TextSigner(params);
const { bands, rows } = optimalBands(params.lshThreshold, params.permutations);
const err = (line: string) => process.stderr.write(line + '\n');

function ensureVenv(): void {
  if (!existsSync(python)) {
    err(`creating ${venv}`);
    const made = spawnSync('/usr/bin/python3', ['-m', 'venv', venv], { stdio: 'inherit' });
    if (made.status !== 0) throw new Error('python3 -m venv failed (install python3-venv)');
  }
  const check = spawnSync(python, ['-c', 'import datasketch, rensa'], { stdio: 'ignore' });
  if (check.status !== 0) {
    err(`pip install datasketch (latest 2.x) and ${RENSA_REQUIREMENT} into the bench venv`);
    const pip = spawnSync(join(venv, 'bin', 'pip'), ['install', '-q', 'datasketch>=2,<3', RENSA_REQUIREMENT], { stdio: 'inherit' });
    if (pip.status !== 0) throw new Error('pip install datasketch rensa failed (network?)');
  }
}

const percentile = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const mb = (bytes: number) => bytes / 2 ** 20;

interface Row { [key: string]: string | number }

function runSize(n: number, datasketchLimit: number): Row {
  const dsN = Math.min(n, datasketchLimit);
  const q = Math.min(1000, n);
  mkdirSync(cacheDir, { recursive: true });
  const tokensFile = join(cacheDir, `tokens-${n}.jsonl`);
  const pairsFile = join(cacheDir, `pairs-${n}.json`);
  err(`n = ${n}: generating and lexing ${n + q} programs`);

  // 1. Generate, lex (timed), write the token streams; sign (timed) as we go so token arrays never pile up.
  const fd = openSync(tokensFile, 'w');
  let lexSeconds = 0;
  let signSeconds = 0;
  let sourceBytes = 0;
  let tokenTotal = 0;
  const corpusSigs: Uint32Array[] = [];
  const querySigs: Uint32Array[] = [];
  const queryParents: (number | null)[] = [];
  // Chunks of 1000 programs: wall time (hrtime) and CPU time (process.cpuUsage) around lexing and signing, so a
  // loaded machine (other processes on the same cores) shows up as wall >> CPU instead of skewing the ratios.
  let lexCpu = 0;
  let signCpu = 0;
  const cpuNow = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
  for (let start = 0; start < n + q; start += 1000) {
    const items = [];
    for (let i = start; i < Math.min(n + q, start + 1000); i++) items.push(i < n ? program(i) : query(i - n, n));
    for (const item of items) sourceBytes += Buffer.byteLength(item.source);
    let t = process.hrtime.bigint();
    let c = cpuNow();
    const allTexts = items.map((item) => signer.tokenTexts(item.source));
    lexSeconds += Number(process.hrtime.bigint() - t) / 1e9;
    lexCpu += cpuNow() - c;
    t = process.hrtime.bigint();
    c = cpuNow();
    const sigs = allTexts.map((texts) => signer.signTexts(texts));
    signSeconds += Number(process.hrtime.bigint() - t) / 1e9;
    signCpu += cpuNow() - c;
    items.forEach((item, k) => {
      const i = start + k;
      tokenTotal += allTexts[k]!.length;
      if (i < n) corpusSigs.push(sigs[k]!);
      else { querySigs.push(sigs[k]!); queryParents.push(item.parent); }
      writeSync(fd, JSON.stringify(allTexts[k]) + '\n');
    });
  }
  closeSync(fd);

  // 2. LSH insert (timed) and memory of the index.
  global.gc?.();
  const heapBefore = process.memoryUsage();
  const set = new SignatureSet(params.permutations, bands, rows, 0);
  let t = process.hrtime.bigint();
  const insertCpuStart = cpuNow();
  for (let i = 0; i < n; i++) set.add(String(i), corpusSigs[i]!);
  const insertSeconds = Number(process.hrtime.bigint() - t) / 1e9;
  const insertCpu = cpuNow() - insertCpuStart;
  corpusSigs.length = 0; // the index holds its own packed copy
  global.gc?.();
  const heapAfter = process.memoryUsage();
  const indexMb = Math.max(0, mb(heapAfter.heapUsed + heapAfter.arrayBuffers - heapBefore.heapUsed - heapBefore.arrayBuffers));

  // 3. Queries: LSH retrieve + verify (estimated J > tau), one at a time, after a full GC (as the Python side has no
  //    pending garbage either).
  global.gc?.();
  const latencies: number[] = [];
  const near: number[][] = [];
  for (const sig of querySigs) {
    t = process.hrtime.bigint();
    const hits = set.matches(sig, params.nearDuplicateTau);
    latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
    near.push(hits.map((h) => Number(h.id)));
  }

  // 4. Pairs for estimate agreement: each mutated query with its parent, each query with its nearest hit.
  const pairs: [number, number][] = [];
  querySigs.forEach((_, qi) => {
    const parent = queryParents[qi];
    if (parent !== null && parent !== undefined) pairs.push([qi, parent]);
    const nearest = set.nearest(querySigs[qi]!).best;
    if (nearest && Number(nearest.id) !== parent) pairs.push([qi, Number(nearest.id)]);
  });
  pairs.splice(0, pairs.length, ...pairs.filter(([, j]) => j < dsN)); // datasketch knows only its first dsN programs
  writeFileSync(pairsFile, JSON.stringify(pairs));
  const tsMaxRss = process.resourceUsage().maxRSS / 1024;

  // 5. datasketch on the same token streams.
  const memory = process.memoryUsage();
  err(`n = ${n}: corpus done, node rss ${mb(memory.rss).toFixed(0)} MB (heap ${mb(memory.heapUsed).toFixed(0)}, buffers ${mb(memory.arrayBuffers).toFixed(0)}); rensa`);
  const r = runRensa(root, python, tokensFile, n, params);
  err(`n = ${n}: datasketch on ${dsN} of ${n} programs`);
  const ds = spawnSync(python, [join(root, 'bench', 'novelty_datasketch.py'), '--tokens', tokensFile, '--pairs', pairsFile,
    '--n', String(n), '--limit', String(dsN), '--k', String(params.shingleSize), '--perm', String(params.permutations),
    '--threshold', String(params.lshThreshold), '--tau', String(params.nearDuplicateTau)],
  { encoding: 'utf8', maxBuffer: 1 << 30, timeout: 20 * 60_000 });
  if (ds.status !== 0) throw new Error(`datasketch run failed: ${ds.stderr}`);
  const d = JSON.parse(ds.stdout) as {
    version: string; bands: number; rows: number; signatures: number; signatureSeconds: number; updateBatchSeconds: number;
    insertSeconds: number; signatureCpuSeconds: number; insertCpuSeconds: number; queryP50Ms: number; queryP99Ms: number; peakRssMb: number; indexRssMb: number;
    nearDuplicates: number[][]; pairEstimates: number[];
  };

  // 6. Agreement: estimates on the pairs (and against the exact Jaccard), near-duplicate sets and decisions.
  const exact: number[] = [];
  const ours: number[] = [];
  const texts = (i: number, isQuery: boolean) => signer.tokenTexts(isQuery ? query(i, n).source : program(i).source);
  for (const [qi, j] of pairs) {
    exact.push(exactJaccard(signer.shingles(texts(qi, true)), signer.shingles(texts(j, false))));
    ours.push(estimateJaccard(querySigs[qi]!, set.signatureOf(String(j))!));
  }
  const meanAbs = (xs: number[], ys: number[]) => xs.reduce((s, x, i) => s + Math.abs(x - ys[i]!), 0) / Math.max(1, xs.length);
  // Near-duplicate sets per query; every pair flagged by either engine is checked against the exact Jaccard.
  const shingleCache = new Map<string, Set<string>>();
  const shinglesOf = (i: number, isQuery: boolean) => {
    const key = `${isQuery ? 'q' : 'c'}${i}`;
    let got = shingleCache.get(key);
    if (!got) { got = signer.shingles(texts(i, isQuery)); shingleCache.set(key, got); }
    return got;
  };
  let both = 0; let either = 0; let oursRight = 0; let dsRight = 0;
  let disagreeMin = Infinity; let disagreeMax = -Infinity;
  near.forEach((mine, qi) => {
    const a = new Set(mine.filter((j) => j < dsN));
    const b = new Set(d.nearDuplicates[qi]);
    for (const j of new Set([...a, ...b])) {
      either++;
      if (a.has(j) && b.has(j)) both++;
      const exactJ = exactJaccard(shinglesOf(qi, true), shinglesOf(j, false));
      const truth = exactJ > params.nearDuplicateTau;
      if (a.has(j) !== b.has(j)) { disagreeMin = Math.min(disagreeMin, exactJ); disagreeMax = Math.max(disagreeMax, exactJ); }
      if (a.has(j) === truth) oursRight++;
      if (b.has(j) === truth) dsRight++;
    }
  });
  const allPairs = q * dsN;
  const disagreements = either - both;
  const oursSigsPerS = (n + q) / signSeconds;
  const dsSigsPerS = d.signatures / d.signatureSeconds;
  return {
    programs: n, queries: q, tokensPerProgram: Math.round(tokenTotal / (n + q)),
    lexMBps: +(mb(sourceBytes) / lexSeconds).toFixed(1), lexProgramsPerS: Math.round((n + q) / lexSeconds),
    sigsPerS: Math.round(oursSigsPerS), dsSigsPerS: Math.round(dsSigsPerS), dsUpdateBatchOnlyPerS: Math.round(d.signatures / d.updateBatchSeconds),
    sigRatio: +(oursSigsPerS / dsSigsPerS).toFixed(1), sigRatioVsUpdateBatchOnly: +(oursSigsPerS / (d.signatures / d.updateBatchSeconds)).toFixed(1),
    sigsPerCpuS: Math.round((n + q) / signCpu), dsSigsPerCpuS: Math.round(d.signatures / d.signatureCpuSeconds),
    sigRatioCpu: +(((n + q) / signCpu) / (d.signatures / d.signatureCpuSeconds)).toFixed(1),
    lexCpuMBps: +(mb(sourceBytes) / lexCpu).toFixed(1),
    insertPerS: Math.round(n / insertSeconds), dsInsertPerS: Math.round(dsN / d.insertSeconds),
    insertRatio: +((n / insertSeconds) / (dsN / d.insertSeconds)).toFixed(1),
    insertPerCpuS: Math.round(n / insertCpu), dsInsertPerCpuS: Math.round(dsN / d.insertCpuSeconds),
    insertRatioCpu: +((n / insertCpu) / (dsN / d.insertCpuSeconds)).toFixed(1),
    p50Ms: +percentile(latencies, 50).toFixed(4), p99Ms: +percentile(latencies, 99).toFixed(4),
    dsP50Ms: +d.queryP50Ms.toFixed(4), dsP99Ms: +d.queryP99Ms.toFixed(4), p99Ratio: +(d.queryP99Ms / percentile(latencies, 99)).toFixed(1),
    pairs: pairs.length,
    meanAbsEstimateDiff: +meanAbs(ours, d.pairEstimates).toFixed(4),
    meanAbsErrOurs: +meanAbs(ours, exact).toFixed(4), meanAbsErrDs: +meanAbs(d.pairEstimates, exact).toFixed(4),
    nearDupPairsOurs: near.reduce((s, x) => s + x.length, 0), nearDupPairsDs: d.nearDuplicates.reduce((s, x) => s + x.length, 0),
    nearDupOverlap: +(either ? both / either : 1).toFixed(4),
    decisionAgreementAllPairs: +(1 - disagreements / allPairs).toFixed(6),
    flaggedPairsEither: either, flaggedAgreeingWithExactOurs: +(oursRight / Math.max(1, either)).toFixed(4),
    flaggedAgreeingWithExactDs: +(dsRight / Math.max(1, either)).toFixed(4),
    disagreementsExactJRange: disagreeMin <= disagreeMax ? `${disagreeMin.toFixed(3)}..${disagreeMax.toFixed(3)}` : 'none',
    indexMb: +indexMb.toFixed(1), nodeMaxRssMb: Math.round(tsMaxRss),
    dsIndexRssMb: +d.indexRssMb.toFixed(1), dsMaxRssMb: Math.round(d.peakRssMb),
    dsPrograms: dsN, dsIndexBytesPerProgram: Math.round((d.indexRssMb * 2 ** 20) / dsN),
    ...rensaColumns(r, { signatures: n + q, signCpu, lexCpu, signWall: signSeconds, lexWall: lexSeconds, n, indexMb }),
    rensaNearDupPairs: r.nearDuplicates.reduce((s, x) => s + x.length, 0),
    simd: signer.hasher.simd ? 'wasm-simd' : 'scalar', dsVersion: d.version, bandsRows: `${bands}x${rows} (datasketch ${d.bands}x${d.rows})`,
  };
}

function main(): void {
  const { sizes, datasketchLimit } = parseArgs(process.argv.slice(2));
  ensureVenv();
  const machine = `${cpus()[0]?.model ?? 'cpu'} x${cpus().length}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}, load average at start ${loadavg().map((x) => x.toFixed(1)).join('/')}`;
  err(`machine: ${machine}`);
  const rowsOut: Row[] = [];
  for (const n of sizes.length ? sizes : [1000, 10_000, 100_000]) {
    const row = { ...runSize(n, datasketchLimit), loadAvg1m: +(loadavg()[0] ?? 0).toFixed(1) };
    rowsOut.push(row);
    process.stdout.write(JSON.stringify(row) + '\n');
  }
  process.stdout.write(`\nmachine: ${machine}\nLSH ${bands} bands x ${rows} rows for threshold ${params.lshThreshold}, ${params.permutations} permutations, k = ${params.shingleSize}, tau = ${params.nearDuplicateTau}\n`);
  const keys = Object.keys(rowsOut[0] ?? {});
  for (const key of keys) process.stdout.write(`${key.padEnd(26)} ${rowsOut.map((r) => String(r[key]).padStart(14)).join(' ')}\n`);
}

main();
