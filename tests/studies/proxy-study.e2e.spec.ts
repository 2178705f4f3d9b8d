import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RecordedEvent } from '../../domain/shared/event-envelope';
import { allEvents, cli, scratchDir, startCli } from '../reviews/review-cli-support';
import { killHard } from '../loop/crash-harness';
import { repoRoot } from '../../src/shared/repo-root';

const ID = 'proxy-grammar';
const STUDY = `${ID}.killed`;
const PLANNED = 4 * (1 + 3); // top-k 4: one full training and three proxy re-runs each

interface Figure { coefficient: number | null; pValue: number | null }
interface StudyJson {
  position: number;
  report: {
    studyId: string; status: string; n: number; snr: number | null; noise: { noiseVariance: number; architectureVariance: number } | null;
    pearson: Figure; spearman: Figure; kendall: Figure; predictedSpearman: number | null;
    bonferroni: { m: number; adjustedP: number | null; survives: boolean };
    pairs: { candidateId: string; proxyAccuracy: number; fullAccuracy: number | null; proxyReruns: Record<string, number | null> }[];
    progress: { fullTrains: number; proxyReruns: number; planned: number };
  };
}

const of = (events: readonly RecordedEvent[], type: string, studyId = STUDY) =>
  events.filter((e) => e.type === type && (e.data as { studyId?: string }).studyId === studyId);
const claimsByJob = (events: readonly RecordedEvent[]) => {
  const out = new Map<string, number>();
  for (const e of events) if (e.type === 'JobClaimed' && e.streamId.startsWith(`job-proxy-study:${STUDY}:`)) out.set(e.streamId, (out.get(e.streamId) ?? 0) + 1);
  return out;
};
const jobOf = (e: RecordedEvent) => {
  const d = e.data as { candidateId: string; seed?: number };
  return `job-proxy-study:${STUDY}:${d.candidateId}:${e.type === 'FullTrainRecorded' ? 'full' : `proxy-${d.seed}`}`;
};

/**
 * A proxy study of a small real grammar run (2 cycles x 4 candidates, 256 + 256 Fashion-MNIST images, CPU): top-k 4,
 * one epoch of "full" training, three proxy seeds. Killed with -9 midway and resumed, it trains nothing twice; it reports
 * every number of seed 000 §5, its scatter plot has one point per pair, and pandas reads proxy_full_pairs.csv.
 */
describe('nas-ledger study proxy on a small grammar run (real PyTorch on the CPU)', () => {
  const dir = scratchDir('study');
  const store = join(dir, 'ledger');
  const env = { NAS_LEDGER_CACHE: join(dir, 'cache') };
  let recorded: RecordedEvent[] = [];

  before(async () => {
    const run = await cli(['run', '--id', ID, '--generator', 'grammar', '--dataset', 'fashion-mnist', '--subset', '256', '--val-subset', '256',
      '--device', 'cpu', '--cycles', '2', '--candidates', '4', '--threshold', '0.15', '--seed', '3', '--store', store, '--json'], env, 400_000);
    assert.equal(run.code, 0, run.output);
    recorded = await allEvents(store);
  });

  it('bad input gets a typed error (exit 2) and records nothing', async () => {
    const valid = recorded.filter((e) => e.type === 'CandidateEvaluated').length;
    const cases: [string[], RegExp][] = [
      [['--top-k', String(valid + 1)], new RegExp(`has ${valid} valid candidate\\(s\\) with an accuracy, fewer than --top-k ${valid + 1}`)],
      [['--epochs', '0'], /--epochs must be a positive integer, got 0/],
      [['--proxy-seeds', '2'], /--proxy-seeds must be at least 3, got 2/],
    ];
    for (const [flags, message] of cases) {
      const result = await cli(['study', 'proxy', ID, '--top-k', '4', ...flags, '--store', store], env);
      assert.equal(result.code, 2, result.output);
      assert.match(result.output, message);
    }
    assert.deepEqual((await allEvents(store)).map((e) => e.eventId), recorded.map((e) => e.eventId), 'nothing recorded, nothing changed');
  });

  it('kill -9 midway, then --resume: every training recorded once, none repeated; the report has every number', async () => {
    const child = startCli(['study', 'proxy', ID, '--top-k', '4', '--epochs', '1', '--proxy-seeds', '3', '--id', STUDY, '--store', store], env);
    const deadline = Date.now() + 300_000;
    while (!/\[([2-9]|1[0-5])\/16\]/.test(child.output())) {
      if (Date.now() > deadline) { await killHard(child); assert.fail(`no two trainings within the time:\n${child.output()}`); }
      await new Promise((r) => setTimeout(r, 50));
    }
    await killHard(child);
    const between = await allEvents(store);
    const doneBefore = [...of(between, 'FullTrainRecorded'), ...of(between, 'ProxyRerunRecorded')];
    assert.ok(doneBefore.length >= 2 && doneBefore.length < PLANNED, `killed midway (${doneBefore.length} of ${PLANNED})`);
    const claimsBefore = claimsByJob(between);

    const plot = join(dir, 'scatter.svg'), csv = join(dir, 'proxy_full_pairs.csv');
    const resumed = await cli(['study', 'proxy', '--resume', STUDY, '--store', store, '--json', '--plot', plot, '--out', csv], env, 400_000);
    assert.equal(resumed.code, 0, resumed.output);
    const after = await allEvents(store);
    const fulls = of(after, 'FullTrainRecorded'), reruns = of(after, 'ProxyRerunRecorded');
    assert.equal(fulls.length, 4, 'one full training per candidate');
    assert.equal(reruns.length, 12, 'three proxy re-runs per candidate');
    assert.equal(new Set([...fulls, ...reruns].map(jobOf)).size, PLANNED, 'no result twice');
    for (const e of doneBefore) {
      assert.equal(claimsByJob(after).get(jobOf(e)), claimsBefore.get(jobOf(e)), `${jobOf(e)} was recorded before the kill and not trained again`);
    }
    assert.equal(of(after, 'ProxyStudyCompleted').length, 1);
    assert.deepEqual(after.slice(0, recorded.length).map((e) => e.eventId), recorded.map((e) => e.eventId), 'the run\'s events are unchanged');
    assert.ok(after.filter((e) => e.streamId.startsWith('candidate-')).length === recorded.filter((e) => e.streamId.startsWith('candidate-')).length);

    const { report } = JSON.parse(resumed.stdout) as StudyJson;
    assert.equal(report.status, 'completed');
    assert.equal(report.pairs.length, 4);
    assert.ok(report.n >= 3, `at least three usable pairs (${report.n})`);
    for (const figure of [report.pearson, report.spearman, report.kendall]) {
      assert.equal(typeof figure.coefficient, 'number');
      assert.ok(figure.pValue !== null && figure.pValue >= 0 && figure.pValue <= 1);
    }
    assert.ok(report.noise && report.noise.noiseVariance >= 0, 'noise variance from the proxy re-runs');
    if (report.noise.noiseVariance > 0) assert.equal(report.snr, report.noise.architectureVariance / report.noise.noiseVariance);
    assert.ok(Math.abs(report.predictedSpearman! - (6 / Math.PI) * Math.asin(report.pearson.coefficient! / 2)) < 1e-12);
    assert.equal(report.bonferroni.m, 1, 'the only study in the ledger');
    assert.equal(report.bonferroni.survives, report.spearman.pValue! <= 0.05);
    // every pair's numbers are the events' numbers
    for (const pair of report.pairs) {
      const full = fulls.find((e) => (e.data as { candidateId: string }).candidateId === pair.candidateId)!.data as { accuracy: number | null };
      assert.equal(pair.fullAccuracy, full.accuracy);
      const evaluated = after.find((e) => e.type === 'CandidateEvaluated' && (e.data as { candidateId: string }).candidateId === pair.candidateId)!;
      assert.equal(pair.proxyAccuracy, (evaluated.data as { accuracy: number }).accuracy);
    }

    // The scatter plot, read back: one circle per usable pair, each at the pair's numbers.
    const svg = readFileSync(plot, 'utf8');
    const circles = [...svg.matchAll(/<circle class="pair" data-candidate="([^"]+)" data-proxy="([^"]+)" data-full="([^"]+)"/g)];
    assert.equal(circles.length, report.n);
    for (const [, candidateId, proxy, full] of circles) {
      const pair = report.pairs.find((p) => p.candidateId === candidateId)!;
      assert.equal(Number(proxy), pair.proxyAccuracy);
      assert.equal(Number(full), pair.fullAccuracy);
    }
    // proxy_full_pairs.csv, read by pandas with no options
    const python = join(repoRoot(), '.cache', 'analysis-venv', 'bin', 'python');
    assert.ok(existsSync(python), `${python} is missing: run ./scripts/setup-analysis-venv.sh (make test-deps)`);
    const frame = JSON.parse(execFileSync(python, [join(repoRoot(), 'tests', 'reading', 'check_exports.py'), 'csv', csv], { encoding: 'utf8' })) as
      { rows: number; columns: string[]; dtypes: Record<string, string> };
    assert.equal(frame.rows, 4);
    assert.equal(frame.dtypes.proxy_accuracy, 'float64');
    assert.equal(frame.dtypes.full_accuracy, 'float64');

    // Time travel: as of the kill, the study shows what was recorded then.
    const atKill = between[between.length - 1]!.globalPosition;
    const past = await cli(['study', 'show', STUDY, '--as-of-position', String(atKill), '--store', store, '--json'], env);
    assert.equal(past.code, 0, past.output);
    const pastReport = (JSON.parse(past.stdout) as StudyJson).report;
    assert.equal(pastReport.status, 'started');
    assert.equal(pastReport.progress.fullTrains + pastReport.progress.proxyReruns, doneBefore.length);
  });
});
