import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { RecordedEvent } from '../../domain/shared/event-envelope';
import {
  allEvents, alteredFashionMnist, candidateStreams, cli, reviewedOf, scratchDir, smallGrammarRun, startCli, type ReviewedData,
} from './review-cli-support';
import { killHard } from '../loop/crash-harness';

const ID = 'review-grammar';

interface ReviewJson {
  reviewId: string; completed: boolean; counts: Record<string, number>;
  decisions?: { noveltyChecked: number; admissionsChecked: number; differences: unknown[] };
  verdicts: { candidateId: string; verdict: string; deltas?: Record<string, number>; regenerated?: boolean | null; likelyCause?: string | null;
    environmentDifferences?: { field: string; recorded: unknown; observed: unknown }[] }[];
}

const parse = (stdout: string) => JSON.parse(stdout) as ReviewJson;
const of = (events: readonly RecordedEvent[], type: string) => events.filter((e) => e.type === type);

/**
 * Reproducibility reviews of a small real grammar run (delta mode, CPU, one thread, 256 + 256 Fashion-MNIST images):
 * the same machine reproduces every admitted candidate bit for bit, regenerates every code hash, names a changed
 * dataset and another thread count, and a review killed with -9 resumes without a verdict twice or missing.
 */
describe('nas-ledger review on a small grammar run (real PyTorch on the CPU)', () => {
  const dir = scratchDir('review');
  const store = join(dir, 'ledger');
  const env = { NAS_LEDGER_CACHE: join(dir, 'cache') };
  let recorded: RecordedEvent[] = [];

  before(async () => {
    await smallGrammarRun(ID, store, env);
    recorded = await allEvents(store);
    assert.ok(of(recorded, 'CandidateAdmitted').length > 0, 'the run admitted at least one candidate');
  });

  it('review --admitted --decisions: every admitted candidate reproduced bit-identically, 0 decisions differ; the candidates\' streams are untouched', async () => {
    const result = await cli(['review', ID, '--admitted', '--decisions', '--store', store, '--json'], env);
    assert.equal(result.code, 0, result.output);
    const review = parse(result.stdout);
    const admitted = of(recorded, 'CandidateAdmitted').map((e) => (e.data as { candidateId: string }).candidateId).sort();
    assert.deepEqual(review.verdicts.map((v) => v.candidateId).sort(), admitted);
    for (const v of review.verdicts) {
      assert.equal(v.verdict, 'reproduced', JSON.stringify(v));
      assert.deepEqual(v.environmentDifferences, [], 'same machine: no difference named');
      assert.ok(Object.values(v.deltas ?? {}).every((d) => d === 0), 'bit-identical: zero deltas');
    }
    assert.equal(review.completed, true);
    assert.equal(review.counts.reproduced, admitted.length);
    assert.equal(review.decisions?.noveltyChecked, of(recorded, 'NoveltyAssessed').length);
    assert.deepEqual(review.decisions?.differences, [], 'an untouched run re-derives every decision');
    const after = await allEvents(store);
    assert.deepEqual(candidateStreams(after), candidateStreams(recorded), 'a review never writes to a candidate\'s stream');
    assert.equal(of(after, 'ReviewStarted').length - of(recorded, 'ReviewStarted').length, 1);
    assert.equal(reviewedOf(after, review.reviewId).length, admitted.length);
  });

  it('the same after events export --bundle -> import --bundle into a fresh store in another directory: reproduced, regenerated there', async () => {
    const bundle = join(dir, 'ledger.tar');
    const exported = await cli(['events', 'export', '--store', store, '--bundle', bundle], env);
    assert.equal(exported.code, 0, exported.output);
    const elsewhere = join(scratchDir('review-imported'), 'ledger');
    const imported = await cli(['events', 'import', '--store', elsewhere, '--bundle', bundle], env);
    assert.equal(imported.code, 0, imported.output);
    const result = await cli(['review', ID, '--admitted', '--regenerate', '--store', elsewhere, '--json'], env);
    assert.equal(result.code, 0, result.output);
    const review = parse(result.stdout);
    assert.equal(review.verdicts.length, of(recorded, 'CandidateAdmitted').length);
    for (const v of review.verdicts) {
      assert.equal(v.verdict, 'reproduced', JSON.stringify(v));
      assert.equal(v.regenerated, true, 'the generator versions came with the bundle');
    }
  });

  it('a missing dataset (NAS_LEDGER_DATA pointing at an empty directory): not-reproducible, saying where to put it', async () => {
    const evaluated = of(recorded, 'CandidateEvaluated')[0]!.data as { candidateId: string };
    const result = await cli(['review', ID, '--candidates', evaluated.candidateId, '--store', store, '--json'], { ...env, NAS_LEDGER_DATA: scratchDir('no-data') });
    assert.equal(result.code, 0, result.output);
    const [verdict] = parse(result.stdout).verdicts;
    assert.equal(verdict?.verdict, 'not-reproducible');
    assert.match(verdict?.likelyCause ?? '', /dataset is missing/);
    assert.match((verdict as { remedy?: string } | undefined)?.remedy ?? '', /NAS_LEDGER_DATA/);
  });

  it('--regenerate reproduces every code hash, delta-mode children included', async () => {
    const result = await cli(['review', ID, '--regenerate', '--store', store, '--json'], env);
    assert.equal(result.code, 0, result.output);
    const review = parse(result.stdout);
    assert.ok(review.verdicts.length >= 3, `a whole-experiment scope (${review.verdicts.length})`);
    for (const v of review.verdicts) assert.equal(v.regenerated, true, JSON.stringify(v));
    const children = of(recorded, 'CandidateGenerated').filter((e) => (e.data as { parent: unknown }).parent !== null)
      .map((e) => (e.data as { candidateId: string }).candidateId);
    assert.ok(children.some((id) => review.verdicts.some((v) => v.candidateId === id)), 'at least one delta-mode child was regenerated');
  });

  it('a dataset with one byte changed (NAS_LEDGER_DATA): not-reproducible, naming the dataset hash', async () => {
    const evaluated = of(recorded, 'CandidateEvaluated')[0]!.data as { candidateId: string; dataset: { contentHash: string } };
    const result = await cli(['review', ID, '--candidates', evaluated.candidateId, '--store', store, '--json'],
      { ...env, NAS_LEDGER_DATA: alteredFashionMnist() });
    assert.equal(result.code, 0, result.output);
    const [verdict] = parse(result.stdout).verdicts;
    assert.equal(verdict?.verdict, 'not-reproducible');
    assert.match(verdict?.likelyCause ?? '', new RegExp(`dataset.*${evaluated.dataset.contentHash}`));
    assert.ok(verdict?.environmentDifferences?.some((d) => d.field === 'datasetHash' && d.recorded === evaluated.dataset.contentHash));
  });

  it('another torch thread count: the difference is named', async () => {
    const evaluated = of(recorded, 'CandidateEvaluated')[0]!.data as { candidateId: string };
    const result = await cli(['review', ID, '--candidates', evaluated.candidateId, '--threads', '2', '--store', store, '--json'], env);
    assert.equal(result.code, 0, result.output);
    const [verdict] = parse(result.stdout).verdicts;
    assert.ok(verdict?.environmentDifferences?.some((d) => d.field === 'threads' && d.recorded === 1 && d.observed === 2), JSON.stringify(verdict));
    assert.ok(verdict?.environmentDifferences?.some((d) => d.field === 'protocolHash'), 'threads are in the CPU protocol hash');
  });

  it('kill -9 during a review, then review --resume: no verdict recorded twice, none missing', async () => {
    const reviewId = `${ID}.killed`;
    const child = startCli(['review', ID, '--id', reviewId, '--store', store], env);
    const deadline = Date.now() + 240_000;
    while (!/\[1\/\d+\]/.test(child.output())) {
      if (Date.now() > deadline) { await killHard(child); assert.fail(`no verdict within the time:\n${child.output()}`); }
      await new Promise((r) => setTimeout(r, 50));
    }
    await killHard(child);
    const between = reviewedOf(await allEvents(store), reviewId).length;
    assert.ok(between >= 1, 'at least one verdict recorded before the kill');
    const resumed = await cli(['review', '--resume', reviewId, '--store', store, '--json'], env);
    assert.equal(resumed.code, 0, resumed.output);
    const events = await allEvents(store);
    const verdicts = reviewedOf(events, reviewId);
    const review = parse(resumed.stdout);
    assert.ok(verdicts.length > between || verdicts.length === review.verdicts.length, 'the resume recorded the missing verdicts');
    assert.equal(new Set(verdicts.map((v) => v.candidateId)).size, verdicts.length, 'no verdict twice');
    assert.deepEqual(verdicts.map((v) => v.candidateId).sort(), review.verdicts.map((v) => v.candidateId).sort(), 'none missing');
    assert.equal(events.filter((e) => e.type === 'ReviewCompleted' && (e.data as { reviewId: string }).reviewId === reviewId).length, 1);
    for (const v of verdicts) assert.equal(v.verdict, 'reproduced');
  });

  it('reviews show where users look: reviews lists them, provenance the verdicts, stats and the experiments JSON the counts', async () => {
    if (of(await allEvents(store), 'CandidateReviewed').length === 0) {
      // Run on its own (--test-name-pattern), this test makes the one review it looks at.
      const first = (of(recorded, 'CandidateEvaluated')[0]!.data as { candidateId: string }).candidateId;
      assert.equal((await cli(['review', ID, '--candidates', first, '--store', store], env)).code, 0);
    }
    const events = await allEvents(store);
    const reviewIds = of(events, 'ReviewStarted').map((e) => (e.data as { reviewId: string }).reviewId);
    const listed = await cli(['reviews', ID, '--store', store, '--json'], env);
    assert.equal(listed.code, 0, listed.output);
    assert.deepEqual((JSON.parse(listed.stdout) as { reviews: { reviewId: string }[] }).reviews.map((r) => r.reviewId), reviewIds);
    const verdict = of(events, 'CandidateReviewed')[0]!.data as { candidateId: string };
    const provenance = await cli(['provenance', verdict.candidateId, '--store', store, '--json'], env);
    assert.equal(provenance.code, 0, provenance.output);
    const theirs = of(events, 'CandidateReviewed').filter((e) => (e.data as ReviewedData).candidateId === verdict.candidateId).length;
    assert.equal((JSON.parse(provenance.stdout) as { reviews: unknown[] }).reviews.length, theirs, 'every verdict on the candidate, from every review');
    const experiments = await cli(['experiments', '--store', store, '--json'], env);
    const row = (JSON.parse(experiments.stdout) as { experimentId: string; reviews: { reviewed: number; reproduced: number } }[])
      .find((e) => e.experimentId === ID);
    const latest = new Map(of(events, 'CandidateReviewed').map((e) => [(e.data as ReviewedData).candidateId, (e.data as ReviewedData).verdict]));
    assert.equal(row?.reviews.reviewed, latest.size);
    assert.equal(row?.reviews.reproduced, [...latest.values()].filter((v) => v === 'reproduced').length);
    const stats = await cli(['stats', ID, '--store', store], env);
    assert.match(stats.stdout, new RegExp(`reviews: ${reviewIds.length}; ${latest.size} candidate\\(s\\) reviewed, ${row?.reviews.reproduced} reproduced`));
  });
});
