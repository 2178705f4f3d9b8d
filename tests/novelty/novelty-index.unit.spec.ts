import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_NOVELTY } from '../../domain/experiment/config';
import type { CorpusEntry } from '../../domain/experiment/events';
import { LexError } from '../../domain/novelty/python-lexer';
import { NoveltyIndex, type NoveltyAssessment, type NoveltyIndexSnapshot } from '../../domain/novelty/novelty-index';
import { decodeSignature, estimateJaccard } from '../../domain/novelty/minhash';
import { ORIGINAL, REFORMATTED, RENAMED } from './copies';

const seeds: CorpusEntry[] = [
  { entryId: 'seed:small', name: 'small', code: ORIGINAL, codeHash: 'h1', accuracy: null },
  { entryId: 'seed:mlp', name: 'mlp', code: 'import torch.nn as nn\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Sequential(nn.Flatten(), nn.Linear(3072, 256), nn.ReLU(), nn.Linear(256, 10))\n\n    def forward(self, x):\n        return self.fc(x)\n', codeHash: 'h2', accuracy: null },
  { entryId: 'seed:broken', name: 'broken', code: 'x = "unterminated\n', codeHash: 'h3', accuracy: null },
];

const WIDER = ORIGINAL.replace('width=32', 'width=48').replace('p=0.1', 'p=0.3');
const OTHER = `import torch.nn as nn\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.body = nn.Sequential(nn.Conv2d(3, 8, 5), nn.Tanh(), nn.MaxPool2d(2), nn.Conv2d(8, 16, 5), nn.Tanh())\n        self.head = nn.LazyLinear(10)\n\n    def forward(self, x):\n        return self.head(self.body(x).flatten(1))\n`;

/** Runs the loop's order: cycle 1 assesses three candidates and admits one; cycle 2 assesses two more. */
function runLoop(index: NoveltyIndex): { events: { type: string; data: unknown }[]; results: NoveltyAssessment[] } {
  const events: { type: string; data: unknown }[] = [{ type: 'CorpusSeeded', data: { entries: seeds } }];
  index.seedCorpus(seeds);
  const results: NoveltyAssessment[] = [];
  const assess = (id: string, cycle: number, code: string, fp: string | null = null) => {
    const r = index.assess(id, cycle, code, fp);
    results.push(r);
    events.push({ type: 'NoveltyAssessed', data: { ...r, experimentId: 'e' } });
    return r;
  };
  events.push({ type: 'CycleStarted', data: { cycle: 1 } });
  assess('c1.0', 1, OTHER, 'fp-other');
  assess('c1.1', 1, REFORMATTED, 'fp-small');
  assess('c1.2', 1, OTHER.replace('# x', '# y'), 'fp-other');
  index.admit('c1.0', 'arch-other');
  events.push({ type: 'CandidateAdmitted', data: { candidateId: 'c1.0', architectureId: 'arch-other' } });
  index.release('c1.1');
  index.release('c1.2');
  events.push({ type: 'CandidateNotAdmitted', data: { candidateId: 'c1.1' } }, { type: 'CandidateNotAdmitted', data: { candidateId: 'c1.2' } });
  index.startCycle(2);
  events.push({ type: 'CycleStarted', data: { cycle: 2 } });
  assess('c2.0', 2, OTHER, 'fp-other');
  assess('c2.1', 2, WIDER, null);
  return { events, results };
}

describe('NoveltyIndex', () => {
  it('reports J_train, J_gen, nearest ids, near-duplicate flags and the running rejection count', () => {
    const index = new NoveltyIndex(DEFAULT_NOVELTY);
    const { results } = runLoop(index);
    const [a, b, c, d, e] = results;
    assert.deepEqual(index.skippedSeeds.map((s) => s.entryId), ['seed:broken']);
    // c1.0: new architecture, first of its cycle.
    assert.ok(a!.jTrain < 0.5 && !a!.nearDupTextTrain);
    assert.deepEqual([a!.jGen, a!.nearestGenId, a!.nearDupTextGen, a!.rejectionCount], [0, null, false, 0]);
    // c1.1: a reformatted copy of a seed.
    assert.deepEqual([b!.jTrain, b!.nearestTrainId, b!.nearDupTextTrain, b!.rejectionCount], [1, 'seed:small', true, 1]);
    // c1.2: identical to c1.0, generated earlier in the same cycle (not yet admitted): a J_gen near-duplicate.
    assert.deepEqual([c!.jGen, c!.nearestGenId, c!.nearDupTextGen, c!.nearDupTextTrain, c!.rejectionCount], [1, 'c1.0', true, false, 2]);
    assert.equal(c!.structuralDuplicateOf, 'c1.0');
    // c2.0: cycle 2 restarts J_gen and the count; c1.0 is now in the corpus as arch-other.
    assert.deepEqual([d!.jTrain, d!.nearestTrainId, d!.jGen, d!.rejectionCount, d!.structuralDuplicateOf], [1, 'arch-other', 0, 1, 'arch-other']);
    // c2.1: a real variant of a seed: similar, below tau.
    assert.ok(e!.jTrain > 0.5 && e!.jTrain <= DEFAULT_NOVELTY.nearDuplicateTau, `jTrain ${e!.jTrain}`);
    assert.equal(e!.nearestTrainId, 'seed:small');
    assert.equal(e!.rejectionCount, 1);
    assert.equal(e!.retrieval, 'exact');
    assert.equal(estimateJaccard(decodeSignature(e!.signature), index.signer.sign(WIDER).signature), 1);
  });

  it('rebuilds the same index from the events, and round-trips through a snapshot', () => {
    const live = new NoveltyIndex(DEFAULT_NOVELTY);
    const { events } = runLoop(live);
    const rebuilt = new NoveltyIndex(DEFAULT_NOVELTY);
    for (const event of events) rebuilt.apply(event);
    assert.deepEqual(rebuilt.toSnapshot(), live.toSnapshot());
    const restored = NoveltyIndex.fromSnapshot(JSON.parse(JSON.stringify(live.toSnapshot())) as NoveltyIndexSnapshot, DEFAULT_NOVELTY);
    assert.deepEqual(restored.toSnapshot(), live.toSnapshot());
    // The restored index continues exactly like the live one.
    const next = (ix: NoveltyIndex) => ix.assess('c2.2', 2, RENAMED);
    assert.deepEqual(next(restored), next(live));
    assert.throws(() => NoveltyIndex.fromSnapshot(live.toSnapshot(), { ...DEFAULT_NOVELTY, seed: 2 }), /other novelty parameters/);
    // Key order does not matter (parameters read back from stored JSON may come sorted).
    const reordered = Object.fromEntries(Object.entries(DEFAULT_NOVELTY).reverse()) as unknown as typeof DEFAULT_NOVELTY;
    assert.equal(NoveltyIndex.fromSnapshot(live.toSnapshot(), reordered).corpusSize, live.corpusSize);
  });

  it('gives the same answers with LSH retrieval as with the exact scan on clear cases', () => {
    const exact = runLoop(new NoveltyIndex(DEFAULT_NOVELTY)).results;
    const lsh = runLoop(new NoveltyIndex(DEFAULT_NOVELTY, 0)).results;
    assert.equal(lsh[4]!.retrieval, 'lsh');
    for (const [x, y] of exact.map((r, i) => [r, lsh[i]!] as const)) {
      assert.equal(y.nearDupTextTrain, x.nearDupTextTrain);
      assert.equal(y.nearDupTextGen, x.nearDupTextGen);
      if (y.nearestTrainId !== null) assert.equal(y.jTrain, x.jTrain);
    }
  });

  it('lets a bad source fail with a typed LexError and stays usable', () => {
    const index = new NoveltyIndex(DEFAULT_NOVELTY);
    index.seedCorpus(seeds);
    assert.throws(() => index.assess('bad', 1, 'def f(:\n    return """never closed\n'), (e: unknown) => e instanceof LexError && e.code === 'BAD_INPUT');
    const ok = index.assess('good', 1, ORIGINAL);
    assert.equal(ok.rejectionCount, 1);
    assert.throws(() => index.assess('good', 1, ORIGINAL), /already assessed/);
  });

  it('treats an empty program as similar to nothing', () => {
    const index = new NoveltyIndex(DEFAULT_NOVELTY);
    index.seedCorpus(seeds);
    const first = index.assess('e1', 1, '');
    const second = index.assess('e2', 1, '"""only a docstring"""\n');
    assert.deepEqual([first.jTrain, first.jGen, second.jGen, second.nearDupTextGen, second.rejectionCount], [0, 0, 0, false, 0]);
  });
});
