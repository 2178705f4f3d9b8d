import type { Command } from 'commander';
import { LedgerError } from '../../../domain/shared/ledger-error';
import { openEventStore } from '../../ledger/open-event-store';
import { intOption, log, printJson, printLine, storeFromFlagOrEnv } from '../cli-context';
import { addJobOptions, addLedgerOptions, requireExperimentOrResume, toolVersion, type ResumableJobFlags } from '../options/resumable-job';
import { decisionsOf, resumeReview, runReview } from '../../app/review-runner';
import type { DecisionsReport } from '../../reviews/decisions';
import type { ReviewRecord } from '../../app/review-ledger';

interface ReviewFlags extends ResumableJobFlags {
  cycle?: number; admitted?: boolean; candidates?: string; sample?: number; seed?: number; device?: string; tolerance: string;
  regenerate?: boolean; decisions?: boolean; threads?: number;
}

const REVIEW_JOB = { command: 'review', noun: 'review', idInfix: 'review', resumes: 'only missing verdicts are re-run' } as const;

/** Default --tolerance (docs/reviews.md says why): about one binomial standard error of accuracy over 1,000 validation images. */
export const DEFAULT_REVIEW_TOLERANCE = '0.02';

/** --tolerance: a number in [0, 1], refused otherwise with the flag named. */
export function parseTolerance(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) {
    throw new LedgerError('BAD_INPUT', `--tolerance expects a number in [0, 1], got "${value}"`, 'e.g. --tolerance 0.02 (the largest |delta| of accuracy and loss still within tolerance).');
  }
  return n;
}

export function register(program: Command): void {
  const review = program.command('review [experiment]')
    .description('Reproducibility review: re-run what the ledger recorded (same code, sandbox, stages and protocol values), compare it to the\n' +
      'record and record a verdict per candidate on the review\'s own stream: reproduced | within-tolerance | diverged | not-reproducible.\n' +
      'Nothing about the original candidates is changed. A review killed midway carries on with --resume <review>.')
    .option('--cycle <c>', 'only the candidates of this cycle', intOption('--cycle', 1))
    .option('--admitted', 'only admitted candidates')
    .option('--candidates <ids>', 'only these candidates (comma-separated ids)')
    .option('--sample <n>', 'a seeded random sample of n candidates from the scope', intOption('--sample', 1))
    .option('--seed <s>', 'seed of --sample (default 0)', intOption('--seed', 0))
    .option('--device <d>', 'cpu | cuda | auto: where to re-run (default: each candidate\'s recorded device kind)')
    .option('--tolerance <t>', 'largest |delta| of accuracy and loss called within-tolerance where bit-identity is not expected (GPU, other threads or libraries)',
      DEFAULT_REVIEW_TOLERANCE)
    .option('--regenerate', 'also regenerate each candidate from the recorded generator version, seed, index and parent, and compare the code hash')
    .option('--decisions', 're-derive every novelty verdict and admission from the log prefix before it and report any that differ')
    .option('--threads <n>', 'torch threads for the re-runs (default: the recorded count; another count is a named difference)', intOption('--threads', 1));
  addLedgerOptions(addJobOptions(review, REVIEW_JOB), 'print the review as JSON on stdout')
    .action(async (experimentId: string | undefined, flags: ReviewFlags) => {
      const tolerance = parseTolerance(flags.tolerance);
      if (flags.device !== undefined && !['cpu', 'cuda', 'auto'].includes(flags.device)) {
        throw new LedgerError('BAD_INPUT', `--device expects cpu, cuda or auto, got "${flags.device}"`);
      }
      requireExperimentOrResume(experimentId, flags, REVIEW_JOB, 'nas-ledger review <experiment> [--admitted]');
      const storeUrl = storeFromFlagOrEnv(flags.store);
      const store = await openEventStore(storeUrl);
      try {
        const common = {
          store, storeUrl, busUrl: flags.bus, agents: flags.agents, toolVersion: toolVersion(), log,
          onVerdict: (candidateId: string, verdict: string, done: number, total: number) => log(`[${done}/${total}] ${candidateId}: ${verdict}`),
        };
        const record = flags.resume
          ? await resumeReview({ ...common, resume: flags.resume })
          : await runReview({
            ...common, experimentId: experimentId!, cycle: flags.cycle, admitted: flags.admitted, sample: flags.sample, seed: flags.seed,
            candidates: flags.candidates?.split(',').map((s) => s.trim()).filter(Boolean), device: flags.device, tolerance,
            regenerate: flags.regenerate, decisions: flags.decisions, threads: flags.threads, reviewId: flags.id,
          });
        // The whole experiment's decisions, re-derived again for the report (pure and deterministic: the jobs got the same).
        const decisions = record.started.scope.decisions ? await decisionsOf(store, record.experimentId) : null;
        if (flags.json) printJson(reviewJson(record, decisions));
        else printReview(record, decisions);
      } finally {
        await store.close();
      }
    });
}

export function reviewJson(record: ReviewRecord, decisions: DecisionsReport | null = null): unknown {
  return {
    ...(decisions ? { decisions } : {}),
    reviewId: record.reviewId, experimentId: record.experimentId, completed: record.completed, counts: record.counts, scope: record.started.scope,
    reviewer: record.started.reviewer, environment: record.started.environment, toolVersion: record.started.toolVersion,
    verdicts: record.candidateIds.map((id) => record.verdicts.get(id) ?? { candidateId: id, verdict: 'missing' }),
  };
}

const signed = (x: number): string => (x >= 0 ? `+${x.toPrecision(3)}` : x.toPrecision(3));
const shown = (x: unknown): string => (typeof x === 'string' && x.length > 24 ? `${x.slice(0, 12)}…` : String(x));

function printReview(record: ReviewRecord, decisions: DecisionsReport | null): void {
  printLine(`review ${record.reviewId} of ${record.experimentId}${record.completed ? '' : ' (not completed: nas-ledger review --resume ' + record.reviewId + ')'}`);
  for (const id of record.candidateIds) {
    const v = record.verdicts.get(id);
    if (!v) { printLine(`  ${id}  missing`); continue; }
    const deltas = Object.entries(v.deltas).map(([k, d]) => `Δ${k} ${d === 0 ? '0' : signed(d)}`).join(', ');
    printLine(`  ${id}  ${v.verdict.padEnd(16)} ${deltas}${v.regenerated === null ? '' : v.regenerated ? '  code hash regenerated' : '  REGENERATED CODE DIFFERS'}`);
    const differences = [...v.environmentDifferences, ...v.outcomeDifferences];
    if (differences.length) printLine(`      differs: ${differences.map((d) => `${d.field} ${shown(d.recorded)} -> ${shown(d.observed)}`).join('; ')}`);
    if (v.decisionDifferences.length) printLine(`      decisions differ: ${v.decisionDifferences.map((d) => `${d.decision}.${d.field} ${String(d.recorded)} -> ${String(d.recomputed)}`).join('; ')}`);
    if (v.likelyCause) printLine(`      why: ${v.likelyCause}`);
    if (v.remedy) printLine(`      what to do: ${v.remedy}`);
  }
  if (decisions) {
    printLine(`decisions re-derived: ${decisions.noveltyChecked} novelty verdicts, ${decisions.admissionsChecked} admissions; `
      + `${decisions.differences.length} differ${decisions.differences.length ? ':' : ''}`);
    for (const d of decisions.differences) {
      printLine(`  ${d.candidateId} (cycle ${d.cycle}, #${d.position}) ${d.decision}.${d.field}: recorded ${String(d.recorded)}, re-derived ${String(d.recomputed)}`);
    }
  }
  printLine(`counts: ${Object.entries(record.counts).map(([k, n]) => `${k} ${n}`).join(', ')}`);
}
