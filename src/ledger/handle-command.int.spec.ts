/**
 * handleCommand over the real embedded store: optimistic concurrency, several commands in one append. A second writer is interleaved
 * deterministically: right after handleCommand reads the stream, it appends to the same stream, so the
 * append at the loaded version meets a real CONFLICT from the store.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { candidateDecider } from '../../domain/candidate/candidate.decider';
import type { CandidateEvaluated, CandidateGenerated, NoveltyAssessed } from '../../domain/experiment/events';
import { candidateIdFor, streamIds } from '../../domain/experiment/events';
import { eventIdFor } from '../../domain/shared/ids';
import { LedgerError } from '../../domain/shared/ledger-error';
import type { EventStore } from './event-store.port';
import { openEventStore } from './open-event-store';
import { commandEvents, handleCommand, ONE_ATTEMPT } from './handle-command';

const NOW = '2026-03-02T08:00:00.000Z';
let dir: string;
let store: EventStore;

const generatedData = (candidateId: string, index: number): CandidateGenerated['data'] => ({
  experimentId: 'exp-hc', cycle: 1, candidateId, index, code: 'x', codeHash: 'ab'.repeat(8), generator: { id: 'g', version: 'v' },
  promptHash: 'p', decoding: { temperature: 0.2, topK: 50, topP: 0.9, maxNewTokens: 10 }, seed: 1, outputTokens: 1, parent: null,
});
const evaluationData = (candidateId: string): CandidateEvaluated['data'] => ({
  experimentId: 'exp-hc', cycle: 1, candidateId, accuracy: 0.5, loss: 1, params: 1, dataset: { id: 'd', contentHash: 'h' },
  protocolHash: 'p', seed: 1, device: 'cpu', libraries: {}, timings: {}, structuralFingerprint: null,
});

const noveltyData = (candidateId: string): NoveltyAssessed['data'] => ({
  experimentId: 'exp-hc', cycle: 1, candidateId, jTrain: 0.1, jGen: 0, nearestTrainId: null, nearestGenId: null,
  nearDupTextTrain: false, nearDupTextGen: false, rejectionCount: 0, structuralFingerprint: null, structuralDuplicateOf: null, signature: '',
});

/** The store, with another writer that appends a novelty event to the stream after each of the first `times` reads. */
function withInterleavedWriter(times: number): EventStore {
  let interleaved = 0;
  return Object.assign(Object.create(store) as EventStore, {
    readStream: async (streamId: string) => {
      const events = await store.readStream(streamId);
      if (interleaved < times) {
        const candidateId = streamId.slice('candidate-'.length);
        const novelty = { type: 'NoveltyAssessed', data: noveltyData(candidateId) };
        await store.append(streamId, commandEvents([novelty], { commandId: `other-writer:${streamId}:${interleaved}`, actor: 'other' }), events.length - 1);
        interleaved++;
      }
      return events;
    },
  });
}

async function generate(index: number): Promise<string> {
  const candidateId = candidateIdFor('exp-hc', 1, index);
  await handleCommand(store, streamIds.candidate(candidateId), candidateDecider,
    { type: 'RecordGenerated', data: generatedData(candidateId, index) }, { commandId: `gen-${index}`, actor: 't' });
  return candidateId;
}

describe('handleCommand meeting a concurrent writer', () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nas-ledger-handle-command-'));
    store = await openEventStore(dir);
  });
  after(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('re-reads, decides again and appends after the other writer', async () => {
    const candidateId = await generate(0);
    const result = await handleCommand(withInterleavedWriter(1), streamIds.candidate(candidateId), candidateDecider,
      { type: 'RecordEvaluation', data: evaluationData(candidateId) }, { commandId: 'eval-0', actor: 't', now: () => new Date(NOW) });
    assert.equal(result.outcome, 'written');
    assert.equal(result.attempts, 2);
    const types = (await store.readStream(streamIds.candidate(candidateId))).map((e) => e.type);
    assert.deepEqual(types, ['CandidateGenerated', 'NoveltyAssessed', 'CandidateEvaluated']);
    assert.equal(result.state.status, 'generated');
  });

  it('gives up with CONFLICT after maxAttempts, having appended nothing of its own', async () => {
    const candidateId = await generate(1);
    await assert.rejects(
      handleCommand(withInterleavedWriter(3), streamIds.candidate(candidateId), candidateDecider,
        { type: 'RecordEvaluation', data: evaluationData(candidateId) }, { commandId: 'eval-1', actor: 't' }, { maxAttempts: 3 }),
      (error: unknown) => error instanceof LedgerError && error.code === 'CONFLICT' && /3 attempts/.test(error.message));
    const recorded = await store.readStream(streamIds.candidate(candidateId));
    assert.equal(recorded.filter((e) => e.metadata.commandId === 'eval-1').length, 0);
  });

  it('reports the conflict as its outcome with reportConflict, having appended nothing of its own', async () => {
    const candidateId = await generate(3);
    const result = await handleCommand(withInterleavedWriter(1), streamIds.candidate(candidateId), candidateDecider,
      { type: 'RecordEvaluation', data: evaluationData(candidateId) }, { commandId: 'eval-3', actor: 't' }, ONE_ATTEMPT);
    assert.equal(result.outcome, 'conflict');
    assert.equal(result.attempts, 1);
    assert.deepEqual(result.eventIds, []);
    const recorded = await store.readStream(streamIds.candidate(candidateId));
    assert.equal(recorded.filter((e) => e.metadata.commandId === 'eval-3').length, 0);
  });

  it('decides several commands in order and appends their events once, with ids from the one command id', async () => {
    const candidateId = await generate(4);
    await handleCommand(store, streamIds.candidate(candidateId), candidateDecider,
      { type: 'RecordEvaluation', data: evaluationData(candidateId) }, { commandId: 'eval-4', actor: 't' });
    const before = await store.head();
    const rules = { threshold: 0.4, structuralBlocks: false, ablations: { noNovelty: false, noThreshold: false, noIteration: false } };
    const result = await handleCommand(store, streamIds.candidate(candidateId), candidateDecider, [
      { type: 'RecordNovelty', data: { ...noveltyData(candidateId), jTrain: 0.1 } },
      { type: 'DecideAdmission', data: { experimentId: 'exp-hc', candidateId, rules } },
    ], { commandId: 'judge-4', actor: 't', now: () => new Date(NOW) });
    assert.equal(result.outcome, 'written');
    assert.deepEqual(result.events.map((e) => e.type), ['NoveltyAssessed', 'CandidateAdmitted']);
    const judged = (await store.readStream(streamIds.candidate(candidateId))).filter((e) => e.metadata.commandId === 'judge-4');
    assert.deepEqual(judged.map((e) => e.eventId), [eventIdFor('judge-4', 0), eventIdFor('judge-4', 1)]);
    assert.deepEqual(judged.map((e) => e.metadata.recordedAt), [NOW, NOW]);
    assert.equal(await store.head(), before + 2);
    assert.equal(judged[1]!.globalPosition, judged[0]!.globalPosition + 1, 'one append: nothing between them');
  });

  it('refuses without appending when the decider refuses', async () => {
    const candidateId = await generate(2);
    const before = await store.head();
    await assert.rejects(
      handleCommand(store, streamIds.candidate(candidateId), candidateDecider,
        { type: 'DecideAdmission', data: { experimentId: 'exp-hc', candidateId, rules: { threshold: 0.5, structuralBlocks: false, ablations: { noNovelty: false, noThreshold: false, noIteration: false } } } },
        { commandId: 'admit-2', actor: 't' }),
      (error: unknown) => error instanceof LedgerError && error.code === 'REFUSED');
    assert.equal(await store.head(), before);
  });
});
