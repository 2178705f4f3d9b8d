/**
 * The command side end to end over the real embedded store (PGlite): CommandBus → handler → decider → append,
 * idempotent retries, refusals that append nothing, bounded retry under concurrent writers, and Nest's EventBus
 * fed from the store subscription.
 */
import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus, EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { DEFAULT_CONFIG, configHash, type ExperimentConfig } from '../../domain/experiment/config';
import { candidateIdFor, streamIds } from '../../domain/experiment/events';
import { candidateDecider } from '../../domain/candidate/candidate.decider';
import { eventIdFor } from '../../domain/shared/ids';
import { LedgerError } from '../../domain/shared/ledger-error';
import type { EventStore } from '../ledger/event-store.port';
import { openEventStore } from '../ledger/open-event-store';
import { ExperimentsModule } from './experiments.module';
import { EventBusFeeder, LedgerEventRecorded } from './event-bus-feeder';
import { fixedClock } from './shared/clock';
import { handleCommand, type CommandMetadata } from '../ledger/handle-command';
import { RegisterExperimentCommand } from './register-experiment/register-experiment.command';
import { SeedCorpusCommand } from './seed-corpus/seed-corpus.command';
import { StartCycleCommand } from './start-cycle/start-cycle.command';
import { RecordGeneratedCommand } from './record-generated/record-generated.command';
import { RecordEvaluationCommand } from './record-evaluation/record-evaluation.command';
import { RecordNoveltyCommand } from './record-novelty/record-novelty.command';
import { RecordRejectionCommand } from './record-rejection/record-rejection.command';
import { DecideAdmissionCommand } from './decide-admission/decide-admission.command';
import { RequestFineTuneCommand } from './request-fine-tune/request-fine-tune.command';
import { RecordFineTunedCommand } from './record-fine-tuned/record-fine-tuned.command';
import { CompleteCycleCommand } from './complete-cycle/complete-cycle.command';
import { FailExperimentCommand } from './fail-experiment/fail-experiment.command';
import type { RecordEvaluationDto } from './record-evaluation/record-evaluation.dto';

const NOW = '2026-03-01T12:00:00.000Z';
const EXP = 'exp-int';
const config: ExperimentConfig = { ...DEFAULT_CONFIG, name: EXP, cycles: 2, candidatesPerCycle: 2, threshold: 0.7 };
const meta = (commandId: string): CommandMetadata => ({ commandId, correlationId: `run:${EXP}`, actor: 'int-test' });
const c0 = candidateIdFor(EXP, 1, 0);
const c1 = candidateIdFor(EXP, 1, 1);

@Injectable()
@EventsHandler(LedgerEventRecorded)
class SeenOnTheBus implements IEventHandler<LedgerEventRecorded> {
  static readonly positions: number[] = [];
  handle(event: LedgerEventRecorded): void {
    SeenOnTheBus.positions.push(event.recorded.globalPosition);
  }
}

let dir: string;
let store: EventStore;
let app: INestApplicationContext;
let bus: CommandBus;

const generated = (candidateId: string, index: number) => ({
  experimentId: EXP, cycle: 1, candidateId, index, code: `class Net: pass  # ${index}`, codeHash: `${index}`.repeat(16),
  generator: { id: 'grammar', version: 'g0' }, promptHash: 'p', decoding: { temperature: 0.2, topK: 50, topP: 0.9, maxNewTokens: 2048 },
  seed: index, outputTokens: 100, parent: null,
});
const evaluation = (candidateId: string, accuracy: number): RecordEvaluationDto => ({
  experimentId: EXP, cycle: 1, candidateId, accuracy, loss: 0.9, params: 1234, dataset: { id: 'fashion-mnist', contentHash: 'd' },
  protocolHash: 'proto', seed: 1, device: 'cpu', libraries: { torch: '1.13.1' }, timings: { total: 1.5 }, structuralFingerprint: null,
});

async function refusedWith(promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof LedgerError, String(error));
    assert.equal(error.code, code, error.message);
    assert.match(error.message, message);
    return true;
  });
}

describe('the experiment command side over the embedded store', () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nas-ledger-experiments-'));
    store = await openEventStore(dir);
    @Module({ imports: [ExperimentsModule.withStore(store, { clock: fixedClock(NOW), eventBus: { pollIntervalMs: 10 } })], providers: [SeenOnTheBus] })
    class TestModule {}
    app = await NestFactory.createApplicationContext(TestModule, { logger: false });
    await app.init();
    bus = app.get(CommandBus);
  });

  after(async () => {
    await app?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('registers an experiment with deterministic event ids and the injected clock', async () => {
    const result = await bus.execute(new RegisterExperimentCommand({ experimentId: EXP, config }, meta('register')));
    assert.equal(result.outcome, 'written');
    const [event] = await store.readStream(streamIds.experiment(EXP));
    assert.equal(event!.eventId, eventIdFor('register', 0));
    assert.deepEqual(event!.metadata, { commandId: 'register', correlationId: `run:${EXP}`, causationId: null, actor: 'int-test', recordedAt: NOW });
    assert.equal((event!.data as { configHash: string }).configHash, configHash(config));
  });

  it('answers a re-sent command with the events already recorded, appending nothing', async () => {
    const head = await store.head();
    const again = await bus.execute(new RegisterExperimentCommand({ experimentId: EXP, config }, meta('register')));
    assert.equal(again.outcome, 'already-recorded');
    assert.deepEqual(again.eventIds, [eventIdFor('register', 0)]);
    assert.equal(await store.head(), head);
  });

  it('refuses a DTO with an unknown or invalid field, naming it, and appends nothing', async () => {
    const head = await store.head();
    await refusedWith(bus.execute(new StartCycleCommand({ experimentId: EXP, cycle: 0, candidatesPlanned: 2, colour: 'red' } as never, meta('bad'))),
      'BAD_INPUT', /(?=.*cycle must not be less than 1)(?=.*colour should not exist)/);
    assert.equal(await store.head(), head);
  });

  it('runs a cycle from seeding to completion through the CommandBus', async () => {
    await bus.execute(new SeedCorpusCommand({
      experimentId: EXP, source: 'test', entries: [{ entryId: 'seed:a', name: 'a', code: 'A', codeHash: 'aa', accuracy: 0.8 }],
    }, meta('seed')));
    await bus.execute(new StartCycleCommand({ experimentId: EXP, cycle: 1, candidatesPlanned: 2, generator: { id: 'grammar', version: 'g0' } }, meta('start-1')));
    await bus.execute(new RecordGeneratedCommand(generated(c0, 0), meta(`gen:${c0}`)));
    await bus.execute(new RecordGeneratedCommand(generated(c1, 1), meta(`gen:${c1}`)));
    await bus.execute(new RecordEvaluationCommand(evaluation(c0, 0.75), meta(`eval:${c0}`)));
    await bus.execute(new RecordNoveltyCommand({
      experimentId: EXP, cycle: 1, candidateId: c0, jTrain: 0.3, jGen: 0, nearestTrainId: 'seed:a', nearestGenId: null,
      nearDupTextTrain: false, nearDupTextGen: false, rejectionCount: 0, structuralFingerprint: null, structuralDuplicateOf: null,
      signature: Buffer.alloc(16).toString('base64'),
    }, meta(`novelty:${c0}`)));
    const admission = await bus.execute(new DecideAdmissionCommand({ experimentId: EXP, candidateId: c0 }, meta(`admit:${c0}`)));
    assert.equal(admission.events[0]!.type, 'CandidateAdmitted');
    await bus.execute(new RecordRejectionCommand({
      experimentId: EXP, cycle: 1, candidateId: c1, stage: 'forward', reason: 'shape mismatch', params: 10, device: 'cpu',
    }, meta(`reject:${c1}`)));

    await refusedWith(bus.execute(new CompleteCycleCommand({ experimentId: EXP, cycle: 1, candidates: { generated: 2, terminal: 2, admitted: 1 } }, meta('complete-1'))),
      'REFUSED', /fine-tune is not requested/);
    await bus.execute(new RequestFineTuneCommand({ experimentId: EXP, cycle: 1, corpusVersion: 2, corpusHash: 'h2' }, meta('ft-1')));
    await bus.execute(new RecordFineTunedCommand({
      experimentId: EXP, cycle: 1, to: { id: 'grammar', version: 'g1' }, adapterHash: 'g1', loss: 0.4, durationMs: 20,
    }, meta('ft-done-1')));
    const completed = await bus.execute(new CompleteCycleCommand(
      { experimentId: EXP, cycle: 1, candidates: { generated: 2, terminal: 2, admitted: 1 } }, meta('complete-1')));
    assert.deepEqual(completed.events, [{ type: 'CycleCompleted', data: { experimentId: EXP, cycle: 1, generated: 2, admitted: 1, corpusSize: 2 } }]);

    const types = (await store.readStream(streamIds.experiment(EXP))).map((e) => e.type);
    assert.deepEqual(types, ['ExperimentRegistered', 'CorpusSeeded', 'CycleStarted', 'GeneratorFineTuneRequested', 'GeneratorFineTuned', 'CycleCompleted']);
    assert.deepEqual((await store.readStream(streamIds.candidate(c0))).map((e) => e.streamVersion), [0, 1, 2, 3]);
  });

  it('refuses a candidate for a cycle that is not running', async () => {
    await refusedWith(bus.execute(new RecordGeneratedCommand({ ...generated(candidateIdFor(EXP, 2, 0), 0), cycle: 2 }, meta('gen-late'))),
      'REFUSED', /cycle 2 of exp-int is not running/);
  });

  it('lets exactly one of two concurrent writers judge a candidate; the other re-reads and is refused', async () => {
    await bus.execute(new StartCycleCommand({ experimentId: EXP, cycle: 2, candidatesPlanned: 1 }, meta('start-2')));
    const c = candidateIdFor(EXP, 2, 0);
    await bus.execute(new RecordGeneratedCommand({ ...generated(c, 0), cycle: 2 }, meta(`gen:${c}`)));
    const attempt = (commandId: string, accuracy: number) => handleCommand(store, streamIds.candidate(c), candidateDecider,
      { type: 'RecordEvaluation', data: { ...evaluation(c, accuracy), cycle: 2 } }, { commandId, actor: 'agent', now: () => fixedClock(NOW).now() });
    const results = await Promise.allSettled([attempt('agent-a', 0.71), attempt('agent-b', 0.72)]);
    const written = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(written.length, 1);
    assert.equal(refused.length, 1);
    assert.ok(refused[0]!.reason instanceof LedgerError && refused[0]!.reason.code === 'REFUSED', String(refused[0]!.reason));
    assert.equal((await store.readStream(streamIds.candidate(c))).length, 2);
  });

  it('refuses everything for a failed experiment', async () => {
    await bus.execute(new FailExperimentCommand({ experimentId: EXP, reason: 'stopped by the test' }, meta('fail')));
    const head = await store.head();
    await refusedWith(bus.execute(new DecideAdmissionCommand({ experimentId: EXP, candidateId: candidateIdFor(EXP, 2, 0) }, meta('admit-late'))),
      'REFUSED', /is failed/);
    await refusedWith(bus.execute(new RequestFineTuneCommand({ experimentId: EXP, cycle: 2, corpusVersion: 2, corpusHash: 'h' }, meta('ft-late'))),
      'REFUSED', /finished experiment/);
    assert.equal(await store.head(), head);
  });

  it('publishes every recorded event on Nest\'s EventBus, in global order, from the store subscription', async () => {
    const head = await store.head();
    const deadline = Date.now() + 10_000;
    while (SeenOnTheBus.positions.length < head && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(SeenOnTheBus.positions, Array.from({ length: head }, (_, i) => i + 1));
    assert.ok(app.get(EventBusFeeder));
  });
});
