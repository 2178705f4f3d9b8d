/**
 * npm run bench:evaluate -- --measurement-ratio [--programs N] [--baseline REF]
 *
 * Issue 12's cost check, in one run: the same seed-corpus programs evaluated by the runner as it was at REF
 * (accuracy and loss measured inside the sandboxed child) and by this tree's runner (the child sends validation
 * logits; the trusted runner scores them), interleaved program by program so drift hits both alike. Reports the
 * median per-program ratio of wall seconds per evaluation (new / old), for the bench's 256-image validation subset
 * and for the whole 10,000-image test split (the most logits on the wire).
 */
import { execSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from '../src/shared/repo-root';
import { defaultPython } from '../gpu-agent/runner-pool/runner-process';

/** The last commit whose runner measured inside the child (before issue 12). */
export const BASELINE_REF = '07b806b';

interface Driver { run(code: string, config: Record<string, unknown>): Promise<{ stage: string; accuracy: number | null; wallS: number }>; close(): void }

/** A bare JSON-lines driver (the pool validates one protocol version; this compares two). */
async function startRunner(script: string, version: number, env: Record<string, string>): Promise<Driver> {
  const child = spawn(defaultPython(), ['-u', '-B', script], { cwd: repoRoot(), env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'ignore'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => JSON.parse(String((await lines.next()).value)) as { ok: boolean; result?: Record<string, unknown>; error?: unknown };
  const hello = await next();
  if (!hello.ok) throw new Error(`runner ${script} did not start: ${JSON.stringify(hello.error)}`);
  let id = 0;
  return {
    async run(code, config) {
      const started = performance.now();
      child.stdin.write(JSON.stringify({ v: version, id: `r${++id}`, job: 'evaluate', code, config }) + '\n');
      const reply = await next();
      if (!reply.ok || !reply.result) throw new Error(`runner error: ${JSON.stringify(reply.error)}`);
      return { stage: String(reply.result.stage), accuracy: reply.result.accuracy as number | null, wallS: (performance.now() - started) / 1000 };
    },
    close() { child.stdin.end(); },
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export async function measurementRatio(programCount: number, baseline: string): Promise<Record<string, unknown>> {
  const dir = mkdtempSync('/var/tmp/nas-ledger-bench-ratio-');
  try {
    execSync(`git archive ${baseline} gpu-agent/runner | tar -x -C ${dir}`, { cwd: repoRoot() });
    const seed = join(repoRoot(), 'gpu-agent', 'seed-corpus');
    const index = JSON.parse(readFileSync(join(seed, 'index.json'), 'utf8')) as { entries: { name: string; file: string }[] };
    const programs = index.entries.slice(0, programCount).map((e) => ({ name: e.name, code: readFileSync(join(seed, e.file), 'utf8') }));
    // separate caches: the old runner keeps labels beside the images, the new one must not find them there
    const oldRunner = await startRunner(join(dir, 'gpu-agent', 'runner', 'runner.py'), 1, { NAS_LEDGER_CACHE: join(dir, 'cache-old') });
    const newRunner = await startRunner(join(repoRoot(), 'gpu-agent', 'runner', 'runner.py'), 2, { NAS_LEDGER_CACHE: join(dir, 'cache-new') });
    const report: Record<string, unknown> = { baseline, programs: programs.length };
    try {
      for (const [label, valSubset] of [['val 256', 256], ['val 10000 (whole test split)', null]] as const) {
        const config = { dataset: 'fashion-mnist', subset: 256, valSubset, seed: 1, timeoutS: 900 };
        await oldRunner.run(programs[0]!.code, config); // warm both: decode the caches, start the pre-warmed children
        await newRunner.run(programs[0]!.code, config);
        const ratios: number[] = []; const olds: number[] = []; const news: number[] = [];
        for (const [i, p] of programs.entries()) {
          const order = i % 2 === 0 ? [oldRunner, newRunner] : [newRunner, oldRunner];
          const [a, b] = [await order[0]!.run(p.code, config), await order[1]!.run(p.code, config)];
          const [o, n] = i % 2 === 0 ? [a, b] : [b, a];
          if (o.stage !== 'passed' || n.stage !== 'passed') continue;
          olds.push(o.wallS); news.push(n.wallS); ratios.push(n.wallS / o.wallS);
        }
        const row = { label, compared: ratios.length, oldMedianS: median(olds), newMedianS: median(news), medianRatio: median(ratios),
          totalRatio: news.reduce((s, x) => s + x, 0) / olds.reduce((s, x) => s + x, 0) };
        report[label] = row;
        console.log(`${label.padEnd(30)} ${row.compared} programs: old ${row.oldMedianS.toFixed(3)} s, new ${row.newMedianS.toFixed(3)} s median; ` +
          `new/old median per-program ${row.medianRatio.toFixed(3)}, total ${row.totalRatio.toFixed(3)}`);
      }
    } finally {
      oldRunner.close();
      newRunner.close();
    }
    return report;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
