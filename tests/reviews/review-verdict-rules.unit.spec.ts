import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compareReview, type CompareInput, type ReviewEnvironment, type ReviewOutcome } from '../../gpu-agent/agent/review-compare';

const env = (over: Partial<ReviewEnvironment> = {}): ReviewEnvironment => ({
  datasetHash: 'd1', protocolHash: 'p1', device: 'cpu', threads: 1, sandbox: 'bwrap',
  libraries: { python: '3.11.2', torch: '1.13.0', numpy: '1.24.2' }, ...over,
});
const evaluated = (accuracy: number, loss: number): ReviewOutcome => ({ outcome: 'evaluated', stage: 'passed', accuracy, loss, reason: null });
const rejected = (stage: string): ReviewOutcome => ({ outcome: 'rejected', stage, accuracy: null, loss: null, reason: 'x' });
const input = (over: Partial<CompareInput>): CompareInput => ({
  recorded: evaluated(0.5, 1.2), rerun: evaluated(0.5, 1.2), recordedEnvironment: env(), reviewEnvironment: env(), tolerance: 0.02,
  protocolValues: { source: 'recorded', note: '' }, regeneration: null, ...over,
});

describe('review verdict rules (compareReview)', () => {
  it('same numbers, same environment: reproduced, nothing named', () => {
    const f = compareReview(input({}));
    assert.equal(f.verdict, 'reproduced');
    assert.deepEqual(f.differences, []);
    assert.deepEqual(f.deltas, { accuracy: 0, loss: 0 });
  });

  it('a rejection again at the same stage: reproduced; at another stage: diverged naming both', () => {
    assert.equal(compareReview(input({ recorded: rejected('forward'), rerun: rejected('forward') })).verdict, 'reproduced');
    const f = compareReview(input({ recorded: rejected('forward'), rerun: rejected('train') }));
    assert.equal(f.verdict, 'diverged');
    assert.match(f.cause ?? '', /recorded rejected at forward, the re-run rejected at train/);
  });

  it('on the CPU with the same threads and libraries any difference is diverged, however small', () => {
    const f = compareReview(input({ rerun: evaluated(0.5 + 1e-9, 1.2) }));
    assert.equal(f.verdict, 'diverged');
    assert.match(f.cause ?? '', /must be bit-identical/);
  });

  it('on a GPU: within the tolerance is within-tolerance, beyond it diverged; the device is named', () => {
    const gpu = env({ device: 'cuda:H100', threads: null });
    const within = compareReview(input({ recordedEnvironment: gpu, reviewEnvironment: gpu, rerun: evaluated(0.51, 1.19) }));
    assert.equal(within.verdict, 'within-tolerance');
    const beyond = compareReview(input({ recordedEnvironment: gpu, reviewEnvironment: env({ device: 'cuda:A100', threads: null }), rerun: evaluated(0.45, 1.2) }));
    assert.equal(beyond.verdict, 'diverged');
    assert.ok(beyond.differences.some((d) => d.key === 'device' && d.recorded === 'cuda:H100' && d.review === 'cuda:A100'));
  });

  it('another thread count is named; identical numbers stay reproduced', () => {
    const f = compareReview(input({ reviewEnvironment: env({ threads: 2, protocolHash: 'p2' }) }));
    assert.equal(f.verdict, 'reproduced');
    assert.deepEqual(f.differences.map((d) => d.key).sort(), ['protocolHash', 'threads']);
  });

  it('a dataset whose hash differs is not-reproducible, naming both hashes, even when the numbers agree', () => {
    const f = compareReview(input({ reviewEnvironment: env({ datasetHash: 'd2' }) }));
    assert.equal(f.verdict, 'not-reproducible');
    assert.match(f.cause ?? '', /recorded d1, here d2/);
    assert.match(f.whatToDo ?? '', /NAS_LEDGER_DATA/);
  });

  it('other libraries and numbers beyond the tolerance: not-reproducible naming the libraries', () => {
    const f = compareReview(input({ reviewEnvironment: env({ libraries: { python: '3.11.2', torch: '2.1.0', numpy: '1.24.2' } }), rerun: evaluated(0.4, 1.5) }));
    assert.equal(f.verdict, 'not-reproducible');
    assert.match(f.cause ?? '', /torch 1\.13\.0 -> 2\.1\.0/);
  });

  it('regeneration to another code hash is diverged; a generator that cannot load is not-reproducible', () => {
    const base = { generator: 'grammar', version: 'v1', recordedCodeHash: 'aaaa', delta: true };
    const other = compareReview(input({ regeneration: { ...base, codeHash: 'bbbb', matches: false, problem: null } }));
    assert.equal(other.verdict, 'diverged');
    assert.match(other.cause ?? '', /delta mode/);
    const missing = compareReview(input({ regeneration: { ...base, codeHash: null, matches: false, problem: 'NOT_FOUND: no artifact v1' } }));
    assert.equal(missing.verdict, 'not-reproducible');
    assert.match(missing.cause ?? '', /no artifact v1/);
  });
});
