import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '../../domain/shared/event-envelope';
import { LedgerError } from '../../domain/shared/ledger-error';
import { configHash, type ExperimentConfig } from '../../domain/experiment/config';
import { streamIds, type ExperimentGroupRef } from '../../domain/experiment/events';
import { firstEvent } from '../../domain/experiment/ledger-event';
import { openEventStore } from '../ledger/open-event-store';
import { shownStore } from '../ledger/shown-store';
import { resumeHint } from './resume-hint';
import { verifyLogBeforeAppending } from '../ledger/verify-before-appending';
import type { EventStore } from '../ledger/event-store.port';
import type { AgentBus, JobHandler } from '../bus/agent-bus.port';
import { AGENT_BUS } from '../bus/agent-bus.port';
import type { INestApplicationContext } from '@nestjs/common';
import { createLoopApplication } from './app.module';
import { OrchestratorService } from '../orchestrator/orchestrator.module';
import type { SeedCorpusSource } from '../orchestrator/orchestrator';
import { CommandBus } from '@nestjs/cqrs';
import { RegisterExperimentCommand } from '../experiments/register-experiment/register-experiment.command';
import type { LoopView } from '../orchestrator/loop-view';
import { initialGeneratorRef, loadSeedCorpus, simInitialGenerator, simSeedCorpus, startAgentFor, startLocalAgent } from './agent-wiring';

export interface RunLoopOptions {
  /** New experiment: its config. Resume: omit it and pass experimentId. */
  readonly config?: ExperimentConfig;
  readonly experimentId?: string;
  readonly resume?: boolean;
  readonly storeUrl?: string;
  readonly busUrl?: string;
  /** Agents in this process (the embedded default); 0 = rely on agents elsewhere (Kafka). */
  readonly localAgents?: number;
  readonly agentConcurrency?: number;
  readonly leaseMs?: number;
  readonly realHandler?: JobHandler;
  readonly seedCorpus?: SeedCorpusSource;
  readonly onEvent?: (event: RecordedEvent, view: LoopView) => void;
  readonly log?: (line: string) => void;
  readonly signal?: AbortSignal;
  readonly simEvaluateDelayMs?: number;
  /** An already-open store (left open afterwards); otherwise storeUrl / the config's store is opened and closed. */
  readonly store?: EventStore;
  /**
   * Validation images per evaluation for the local PyTorch agent (null: the whole test split). The embedded
   * default uses DEFAULT_VAL_SUBSET so a laptop run stays within minutes; it is part of each evaluation's protocol hash.
   */
  readonly valSubset?: number | null;
  /** A new experiment registered as one run of a multi-seed group. */
  readonly group?: ExperimentGroupRef;
}

export const DEFAULT_VAL_SUBSET = 1000;

export interface LoopResult {
  readonly experimentId: string;
  readonly view: LoopView;
}

export function newExperimentId(config: ExperimentConfig): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  return `${config.name.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 40)}-${stamp}-${randomUUID().slice(0, 4)}`;
}

/** Registers the experiment through the CommandBus (idempotently: the same id and config twice is one registration). */
export async function registerExperiment(commands: CommandBus, experimentId: string, config: ExperimentConfig, group?: ExperimentGroupRef): Promise<void> {
  const grouped = group ? { group: { ...group, seeds: [...group.seeds] } } : {};
  await commands.execute(new RegisterExperimentCommand({ experimentId, name: config.name, config: config, ...grouped },
    { commandId: `RegisterExperiment:${experimentId}:${configHash(config)}`, correlationId: experimentId, causationId: null, actor: 'cli/run' }));
}

export async function readRegistration(store: EventStore, experimentId: string): Promise<{ config: ExperimentConfig; finished: string | null }> {
  const events = await store.readStream(streamIds.experiment(experimentId));
  const registered = firstEvent(events, 'ExperimentRegistered');
  if (!registered) {
    throw new LedgerError('NOT_FOUND', `experiment ${experimentId} is not in this ledger`, 'Check the id (the run summary prints it) and --store.');
  }
  const finished = events.find((e) => e.type === 'ExperimentCompleted' || e.type === 'ExperimentFailed');
  return { config: registered.data.config, finished: finished ? finished.type : null };
}

/** Seed corpus by generator family; the real families come from the generators' corpus loader. */
async function defaultSeedCorpus(experimentId: string, config: ExperimentConfig) {
  if (config.generator === 'sim') return simSeedCorpus(experimentId, config);
  return { entries: loadSeedCorpus(), source: 'gpu-agent/seed-corpus' };
}

/**
 * Runs (or resumes) one experiment to its end: store, bus, local agents, orchestrator. Resolves with the final
 * view; a Ctrl-C (signal) stops everything cleanly and rejects with INTERRUPTED: `resume` carries on.
 */
export async function runLoop(options: RunLoopOptions): Promise<LoopResult> {
  const log = options.log ?? (() => undefined);
  const store = options.store ?? await openEventStore(options.storeUrl ?? options.config?.store);
  let app: INestApplicationContext | null = null;
  const stops: (() => Promise<void>)[] = [];
  try {
    // Nothing is appended on a log that fails its hash: the chain since the last verified position is checked first.
    await verifyLogBeforeAppending(store);
    let experimentId: string;
    let config: ExperimentConfig;
    if (options.resume) {
      if (!options.experimentId) throw new LedgerError('BAD_INPUT', 'resume needs an experiment id', 'nas-ledger resume <experiment>');
      experimentId = options.experimentId;
      const registration = await readRegistration(store, experimentId);
      if (registration.finished) {
        throw new LedgerError('REFUSED', `experiment ${experimentId} is already ${registration.finished === 'ExperimentCompleted' ? 'completed' : 'failed'}`,
          'Start a new one with `nas-ledger run`; inspect this one with `nas-ledger stats`.');
      }
      config = registration.config;
    } else {
      if (!options.config) throw new LedgerError('BAD_INPUT', 'run needs a config');
      config = options.config;
      experimentId = options.experimentId ?? newExperimentId(config);
    }
    const busUrl = options.busUrl ?? config.bus;
    if ((options.localAgents ?? 1) === 0 && (busUrl === 'inproc' || busUrl === '')) {
      throw new LedgerError('BAD_INPUT', 'the in-process bus needs agents in this process', 'Drop --agents 0, or use --bus kafka://host:port with agents elsewhere.');
    }
    // The Nest application: ledger (the store opened above), agent bus, orchestrator service.
    app = await createLoopApplication({ store, busUrl });
    const bus = app.get<AgentBus>(AGENT_BUS);
    const storeUrl = options.storeUrl ?? config.store;
    let realHandler = options.realHandler;
    let concurrency = options.agentConcurrency;
    // Everything that can fail at start-up (the device, the generator's model or endpoint) fails before the
    // experiment is registered: a run that cannot start leaves no orphan experiment behind.
    if (!realHandler && config.generator !== 'sim' && (options.localAgents ?? 1) > 0) {
      const valSubset = options.valSubset === undefined ? DEFAULT_VAL_SUBSET : options.valSubset;
      const real = await startAgentFor(store, storeUrl, {
        device: config.device, dataset: config.dataset, workers: options.agentConcurrency, log: options.log, valSubset,
      });
      stops.push(() => real.close());
      realHandler = real.handler;
      concurrency ??= real.concurrency;
    }
    const initialGenerator = config.generator === 'sim' ? simInitialGenerator() : await initialGeneratorRef(config, storeUrl);
    // The store location is deployment, not science (configHash leaves it out): recorded without a password.
    if (!options.resume) await registerExperiment(app.get(CommandBus), experimentId, { ...config, store: shownStore(config.store) }, options.group);
    for (let i = 0; i < (options.localAgents ?? 1); i++) {
      const agent = await startLocalAgent(store, bus, {
        concurrency, leaseMs: options.leaseMs, realHandler, simEvaluateDelayMs: options.simEvaluateDelayMs, log,
      });
      stops.unshift(() => agent.stop());
    }
    const orchestrator = await app.get(OrchestratorService).drive({
      experimentId, seedCorpus: options.seedCorpus ?? defaultSeedCorpus,
      initialGenerator: () => initialGenerator,
      leaseCheckMs: Math.min(1000, Math.max(100, Math.floor((options.leaseMs ?? 30_000) / 4))),
      onEvent: options.onEvent, log,
    });
    stops.unshift(() => orchestrator.stop());
    const interrupted = new Promise<never>((_, reject) => {
      const abort = () => reject(new LedgerError('INTERRUPTED', `stopped; experiment ${experimentId} can be continued`,
        resumeHint(experimentId, storeUrl), { experimentId }));
      if (options.signal?.aborted) abort();
      options.signal?.addEventListener('abort', abort, { once: true });
    });
    const view = await Promise.race([orchestrator.done, interrupted]);
    return { experimentId, view };
  } finally {
    for (const stop of stops) await stop().catch(() => undefined);
    await app?.close().catch(() => undefined);
    if (!options.store) await store.close().catch(() => undefined);
  }
}
