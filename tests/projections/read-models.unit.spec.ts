import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { corpusProjection } from '../../projections/corpus/evolve';
import { corpusOf } from '../../projections/corpus/query';
import { lineageProjection } from '../../projections/lineage/evolve';
import { candidateProvenance, findCorpusSubject, seedEntryProvenance } from '../../projections/lineage/query';
import { experimentsProjection } from '../../projections/experiments/evolve';
import { listExperiments } from '../../projections/experiments/query';
import { candidatesProjection } from '../../projections/candidates/evolve';
import { listCandidates } from '../../projections/candidates/query';
import { foldEvents } from '../../projections/shared/projection';
import { corpusHashOf } from '../../domain/experiment/corpus';
import { architectureIdOf, codeHashOf, EXP, G1, G2, handBuiltLedger, seedHashOf, signature, type LedgerBuilder } from './support/hand-built';

/** The hand-built ledger carried on: cycle 2 admits c2.0 and fine-tunes G1 -> G2; cycle 3 generates one candidate. */
function threeCycles(): LedgerBuilder {
  const b = handBuiltLedger();
  return b.novelty(2, 0, 0.3, signature(10, 5)).admit(2, 0, 0.7).reject(2, 1, 'forward')
    .fineTune(2, G1, G2, [seedHashOf('alpha'), seedHashOf('beta'), codeHashOf(b.id(1, 3)), codeHashOf(b.id(1, 4)), codeHashOf(b.id(2, 0))])
    .complete(2, 2, 1, 5)
    .start(3, G2, 5).generate(3, 0, G2);
}

describe('corpus', () => {
  it('lists seed entries then admitted architectures in the order they joined, with the events that added them', () => {
    const events = threeCycles().recorded();
    const corpus = corpusOf(foldEvents(corpusProjection, events), EXP)!;
    assert.equal(corpus.size, 5);
    assert.equal(corpus.seedSize, 2);
    assert.deepEqual(corpus.members.map((m) => m.entryId), ['seed:alpha', 'seed:beta', `${EXP}.c1.3`, `${EXP}.c1.4`, `${EXP}.c2.0`]);
    assert.equal(corpus.members[2]!.architectureId, architectureIdOf(`${EXP}.c1.3`));
    assert.equal(corpus.members[4]!.addedBy.type, 'CandidateAdmitted');
    assert.equal(corpus.members[4]!.addedBy.position, events.find((e) => e.type === 'CandidateAdmitted' && (e.data as { candidateId: string }).candidateId === `${EXP}.c2.0`)!.globalPosition);
    assert.equal(corpus.corpusHash, corpusHashOf(corpus.members.map((m) => m.codeHash)));
  });

  it('at an earlier point holds only what had joined by then', () => {
    const events = threeCycles().recorded();
    const endOfCycle1 = events.findIndex((e) => e.type === 'CycleCompleted');
    assert.equal(corpusOf(foldEvents(corpusProjection, events.slice(0, endOfCycle1 + 1)), EXP)!.size, 4);
  });
});

describe('provenance of a candidate written by a twice fine-tuned generator', () => {
  const b = threeCycles();
  const events = b.recorded();
  const view = foldEvents(lineageProjection, events);
  const id = b.id(3, 0);
  const provenance = candidateProvenance(view, id, events.filter((e) => e.streamId === `candidate-${id}`))!;

  it('starts from the candidate and its own events', () => {
    assert.equal(provenance.subject.kind, 'candidate');
    assert.equal(provenance.subject.status, 'generated');
    assert.deepEqual(provenance.candidateEvents.map((e) => e.type), ['CandidateGenerated']);
  });

  it('walks G2 <- cycle 2 fine-tune <- G1 <- cycle 1 fine-tune <- initial G0', () => {
    const chain = provenance.generatorChain;
    assert.deepEqual(chain.map((s) => `${s.kind}:${s.generator.version}`), ['fine-tuned:v2', 'fine-tuned:v1', 'initial:v0']);
    const second = chain[0]!;
    const first = chain[1]!;
    const initial = chain[2]!;
    assert.ok(second.kind === 'fine-tuned' && first.kind === 'fine-tuned' && initial.kind === 'initial');
    assert.equal(second.cycle, 2);
    assert.equal(second.fineTuned.type, 'GeneratorFineTuned');
    assert.equal(second.requested!.type, 'GeneratorFineTuneRequested');
    assert.equal(second.corpusVersion, 5);
    assert.equal(second.corpusHashVerified, true);
    assert.deepEqual(second.corpusEntriesAdded.map((m) => m.candidateId), [b.id(2, 0)]);
    assert.deepEqual(first.corpusEntriesAdded.map((m) => m.candidateId), [b.id(1, 3), b.id(1, 4)]);
    assert.equal(initial.firstUsedIn!.type, 'CycleStarted');
  });

  it('ends at the seed corpus and the registration, with their positions and hashes', () => {
    const seeded = events.find((e) => e.type === 'CorpusSeeded')!;
    assert.equal(provenance.seedCorpus!.entries, 2);
    assert.equal(provenance.seedCorpus!.seeded.position, seeded.globalPosition);
    assert.equal(provenance.seedCorpus!.seeded.hash, seeded.hash);
    assert.equal(provenance.experiment.registered.position, 1);
  });

  it('names the parent entry of a delta-generated candidate', () => {
    const c20 = b.id(2, 0);
    const p = candidateProvenance(view, c20, events.filter((e) => e.streamId === `candidate-${c20}`))!;
    assert.equal(p.subject.status, 'admitted');
    assert.equal(p.parent!.entryId, architectureIdOf(b.id(1, 3)));
    assert.equal(p.parent!.member!.candidateId, b.id(1, 3));
  });

  it('flags a fine-tune whose recorded corpus hash does not match the corpus the ledger shows', () => {
    const cid = `${EXP}.c3.0`;
    // The request claims a corpus of 1 entry with beta's hash, but the ledger's first entry is alpha.
    const tampered = handBuiltLedger();
    tampered.fineTune(2, G1, G2, [seedHashOf('beta')]).start(3, G2, 4).generate(3, 0, G2);
    const tev = tampered.recorded();
    const tp = candidateProvenance(foldEvents(lineageProjection, tev), cid, tev.filter((e) => e.streamId === `candidate-${cid}`))!;
    assert.equal(tp.generatorChain[0]!.kind === 'fine-tuned' && tp.generatorChain[0]!.corpusHashVerified, false);
  });

  it('finds admitted architectures and seed entries by id', () => {
    const arch = findCorpusSubject(view, architectureIdOf(b.id(1, 4)));
    assert.deepEqual(arch, { kind: 'architecture', experimentId: EXP, candidateId: b.id(1, 4), architectureId: architectureIdOf(b.id(1, 4)) });
    const seed = findCorpusSubject(view, 'seed:beta');
    assert.ok(seed?.kind === 'seed-entry');
    const p = seedEntryProvenance(view, 'seed:beta', EXP, seed.member)!;
    assert.equal(p.subject.kind, 'seed-entry');
    assert.deepEqual(p.generatorChain, []);
    assert.equal(findCorpusSubject(view, 'arch-unknown'), null);
  });
});

describe('experiments list', () => {
  it('shows status, cycles done of planned, candidates, admissions and the latest position', () => {
    const events = threeCycles().recorded();
    const [summary] = listExperiments(foldEvents(experimentsProjection, events));
    assert.equal(summary!.experimentId, EXP);
    assert.equal(summary!.status, 'running');
    assert.equal(summary!.currentCycle, 3);
    assert.equal(summary!.cyclesDone, 2);
    assert.equal(summary!.cyclesPlanned, 3);
    assert.equal(summary!.candidates, 8);
    assert.equal(summary!.admitted, 3);
    assert.equal(summary!.headPosition, events[events.length - 1]!.globalPosition);
  });
});

describe('candidates list', () => {
  const view = foldEvents(candidatesProjection, threeCycles().recorded());

  it('gives each candidate its status, stage, accuracy, J_train and admission', () => {
    const cycle1 = listCandidates(view, EXP, 1)!;
    assert.deepEqual(cycle1.map((c) => [c.index, c.status, c.stage, c.accuracy, c.jTrain, c.admitted]), [
      [0, 'rejected', 'parse', null, null, false],
      [1, 'rejected', 'budget', null, null, false],
      [2, 'not_admitted', null, 0.4, 0.2, false],
      [3, 'admitted', null, 0.6, 0.5, true],
      [4, 'admitted', null, 0.8, 0.1, true],
    ]);
  });

  it('lists all cycles in order without a cycle filter, and null for an unknown experiment', () => {
    assert.deepEqual(listCandidates(view, EXP)!.map((c) => c.cycle), [1, 1, 1, 1, 1, 2, 2, 3]);
    assert.equal(listCandidates(view, 'nope'), null);
  });
});
