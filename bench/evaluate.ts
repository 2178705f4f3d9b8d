/**
 * npm run bench:evaluate — one-epoch evaluations of 20 candidate programs (the seed corpus), through the real
 * sandbox and runners, for the GPU-resident pipeline ('fast') and two DataLoader baselines ('native-dataloader',
 * 'nngpt'): median and p90 seconds per evaluation by phase, candidates per minute with 1 and k workers, speed-ups.
 *
 *   CPU (default when no GPU): Fashion-MNIST, a training subset (default 256 images, 256 validation images).
 *   GPU: full-epoch 'cifar10-standin' — a deterministic stand-in with CIFAR-10's shape (50k x 3 x 32 x 32); it is
 *   NOT CIFAR-10, which cannot be downloaded here.
 *
 * Flags: --device cpu|cuda|auto  --workers K  --programs N  --subset N  --val-subset N  --nngpt-programs N
 *        --batch-size N (fast and native-dataloader; part of the protocol hash)  --json FILE
 *        --measurement-ratio [--baseline REF]: only the cost of the trusted measurement (bench/measurement-ratio.ts)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { RunnerPool } from '../gpu-agent/runner-pool/runner-pool';
import type { RunnerConfig, RunnerResult } from '../gpu-agent/runner-pool/runner-protocol';
import { repoRoot } from '../src/shared/repo-root';
import { BASELINE_REF, measurementRatio } from './measurement-ratio';

interface Options {
  device: 'cpu' | 'cuda' | 'auto'; workers: number | null; programs: number; subset: number | null; valSubset: number | null;
  nngptPrograms: number; json: string | null; batchSize: number | null; measurementRatio: boolean; baseline: string;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { device: 'auto', workers: null, programs: 20, subset: null, valSubset: null, nngptPrograms: 3, json: null, batchSize: null,
    measurementRatio: false, baseline: BASELINE_REF };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1] ?? ''];
    if (flag === '--measurement-ratio') { o.measurementRatio = true; i--; continue; }
    if (flag === '--baseline') { o.baseline = value; continue; }
    if (flag === '--device') o.device = value as Options['device'];
    else if (flag === '--workers') o.workers = Number(value);
    else if (flag === '--programs') o.programs = Number(value);
    else if (flag === '--subset') o.subset = Number(value);
    else if (flag === '--val-subset') o.valSubset = Number(value);
    else if (flag === '--nngpt-programs') o.nngptPrograms = Number(value);
    else if (flag === '--json') o.json = value;
    else if (flag === '--batch-size') o.batchSize = Number(value);
    else throw new Error(`unknown flag ${flag}; see the header of bench/evaluate.ts`);
  }
  return o;
}

function seedPrograms(count: number): { name: string; code: string }[] {
  const dir = join(repoRoot(), 'gpu-agent', 'seed-corpus');
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { entries: { name: string; file: string }[] };
  if (index.entries.length < count) throw new Error(`the seed corpus has ${index.entries.length} programs, fewer than ${count}`);
  return index.entries.slice(0, count).map((e) => ({ name: e.name, code: readFileSync(join(dir, e.file), 'utf8') }));
}

const quantile = (values: number[], q: number): number => {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (pos - lo);
};

const VALIDATE_PHASES = ['parse', 'policy', 'instantiate', 'contract', 'budget', 'forward'];

/** Phases per evaluation: startup = sandbox start + interpreter + torch import (total minus the measured phases). */
function phases(r: RunnerResult): Record<string, number> {
  const t = r.timings;
  const validate = VALIDATE_PHASES.reduce((s, p) => s + (t[p] ?? 0), 0) + (t.fingerprint ?? 0);
  const measured = validate + (t.load ?? 0) + (t.train ?? 0) + (t.eval ?? 0);
  return { total: t.total ?? 0, startup: Math.max(0, (t.total ?? 0) - measured), validate, load: t.load ?? 0, train: t.train ?? 0, eval: t.eval ?? 0 };
}

interface RunFigures {
  workers: number; wallS: number; perMinute: number; passed: number; failed: string[];
  phases: Record<string, { median: number; p90: number }>;
  /** Seconds per evaluation by program, for ratios over the programs both pipelines ran. */
  totals: Record<string, number>;
}

async function runBatch(pool: RunnerPool, programs: { name: string; code: string }[], config: RunnerConfig): Promise<RunFigures> {
  const started = performance.now();
  const results = await Promise.all(programs.map(async (p) => ({ name: p.name, r: await pool.run('evaluate', p.code, config) })));
  const wallS = (performance.now() - started) / 1000;
  const ok = results.filter((x) => x.r.ok);
  const table: Record<string, { median: number; p90: number }> = {};
  for (const phase of ['total', 'startup', 'validate', 'load', 'train', 'eval']) {
    const values = ok.map((x) => phases(x.r)[phase]!);
    table[phase] = { median: quantile(values, 0.5), p90: quantile(values, 0.9) };
  }
  return {
    workers: pool.size, wallS, perMinute: (programs.length / wallS) * 60, passed: ok.length,
    failed: results.filter((x) => !x.r.ok).map((x) => `${x.name}: ${x.r.stage} ${x.r.reason ?? ''}`.slice(0, 160)), phases: table,
    totals: Object.fromEntries(ok.map((x) => [x.name, phases(x.r).total!])),
  };
}

const f = (x: number, digits = 3) => (Number.isFinite(x) ? x.toFixed(digits) : '-');

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  if (o.measurementRatio) {
    const report = await measurementRatio(o.programs === 20 ? 8 : o.programs, o.baseline);
    if (o.json) writeFileSync(o.json, JSON.stringify(report, null, 2));
    return;
  }
  const probePool = await RunnerPool.start({ size: 1, log: () => undefined });
  const probe = await probePool.probe();
  await probePool.close();
  const device = o.device === 'auto' ? (probe.cuda ? 'cuda' : 'cpu') : o.device;
  if (device === 'cuda' && !probe.cuda) throw new Error('--device cuda: torch sees no CUDA device');
  const gpu = device === 'cuda' ? probe.devices[0] : undefined;
  const dataset = device === 'cuda' ? 'cifar10-standin' : 'fashion-mnist';
  const subset = o.subset ?? (device === 'cuda' ? null : 256);
  const valSubset = o.valSubset ?? (device === 'cuda' ? null : 256);
  const k = o.workers ?? (device === 'cuda' ? Math.max(2, Math.min(8, Math.floor((gpu?.freeBytes ?? 0) / 6 / 1024 ** 3))) : Math.max(2, availableParallelism()));
  const programs = seedPrograms(o.programs);
  const base: RunnerConfig = { dataset, subset, valSubset, device, seed: 1, timeoutS: 900 };
  const machine = device === 'cuda' ? `${gpu?.name} (${f((gpu?.totalBytes ?? 0) / 1024 ** 3, 0)} GiB)` : `${cpus()[0]?.model ?? 'cpu'} x ${availableParallelism()}`;
  process.stderr.write(`bench:evaluate on ${machine}: ${programs.length} seed-corpus programs, dataset ${dataset}` +
    `${dataset === 'cifar10-standin' ? ' (a deterministic stand-in of CIFAR-10\'s shape, not CIFAR-10)' : ''}, subset ${subset ?? 'full epoch'}, k = ${k}\n`);

  const pipelines: { name: string; protocol: string; programs: { name: string; code: string }[] }[] = [
    { name: 'fast (GPU-resident tensors, no DataLoader)', protocol: 'fast', programs },
    { name: 'native-dataloader (torch DataLoader, native resolution)', protocol: 'native-dataloader', programs },
    { name: `nngpt (DataLoader, Resize 256, batch 16; first ${o.nngptPrograms} programs)`, protocol: 'nngpt', programs: programs.slice(0, o.nngptPrograms) },
  ];
  const report: Record<string, { one: RunFigures; many: RunFigures }> = {};
  for (const p of pipelines) {
    if (p.programs.length === 0) continue;
    const config = { ...base, protocol: p.protocol, batchSize: p.protocol === 'nngpt' ? null : o.batchSize };
    const figures: RunFigures[] = [];
    for (const workers of [1, k]) {
      const pool = await RunnerPool.start({ size: workers, log: () => undefined });
      try {
        await pool.run('evaluate', programs[0]!.code, { ...config, subset: Math.min(subset ?? 64, 64), valSubset: 64 }); // warm: decode the dataset cache
        process.stderr.write(`  ${p.protocol}, ${workers} worker(s)...\n`);
        figures.push(await runBatch(pool, p.programs, config));
      } finally {
        await pool.close();
      }
    }
    report[p.protocol] = { one: figures[0]!, many: figures[1]! };
    print(p.name, figures);
  }
  const fast = report.fast!;
  console.log('\nspeed-ups of fast over the DataLoader baselines (median s per evaluation; candidates/min with 1 and k workers):');
  for (const baseline of ['native-dataloader', 'nngpt']) {
    const b = report[baseline];
    if (!b) continue;
    const common = Object.keys(b.one.totals).filter((name) => fast.one.totals[name] !== undefined);
    const matched = quantile(common.map((name) => b.one.totals[name]! / fast.one.totals[name]!), 0.5);
    console.log(`  vs ${baseline.padEnd(18)} median per-program ratio over the ${common.length} programs both ran: ${f(matched, 2)}x`);
    console.log(`  vs ${baseline.padEnd(18)} median ${f(b.one.phases.total!.median / fast.one.phases.total!.median, 2)}x   ` +
      `train phase ${f(b.one.phases.train!.median / fast.one.phases.train!.median, 2)}x   ` +
      `per-minute 1 worker ${f(fast.one.perMinute / b.one.perMinute, 2)}x   k workers ${f(fast.many.perMinute / b.many.perMinute, 2)}x`);
  }
  console.log(`\ndevice: ${machine}; torch ${probe.torchCuda ? `CUDA ${probe.torchCuda}` : '(CPU build)'}; sandbox: bwrap per evaluation`);
  if (o.json) writeFileSync(o.json, JSON.stringify({ machine, device, dataset, subset, valSubset, k, report }, null, 2));
}

function print(name: string, figures: RunFigures[]): void {
  console.log(`\n${name}`);
  const one = figures[0]!;
  console.log(`  phase       median s   p90 s     (1 worker, ${one.passed} passed${one.failed.length ? `, failed: ${one.failed.join('; ')}` : ''})`);
  for (const [phase, q] of Object.entries(one.phases)) console.log(`  ${phase.padEnd(10)}  ${f(q.median).padStart(8)}  ${f(q.p90).padStart(8)}`);
  for (const fig of figures) console.log(`  ${fig.workers} worker(s): ${f(fig.perMinute, 1)} candidates/min (${f(fig.wallS, 1)} s wall)`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:evaluate failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
