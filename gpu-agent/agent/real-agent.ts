import { LedgerError } from '../../domain/shared/ledger-error';
import type { ExperimentConfig } from '../../domain/experiment/config';
import type { GeneratorRef } from '../../domain/experiment/events';
import type { EventStore } from '../../src/ledger/event-store.port';
import type { JobHandler } from '../../src/bus/agent-bus.port';
import { createGpuAgent } from './gpu-agent';
import type { ResolvedDevice } from './device';
import { JobHandlerRegistry } from './job-handlers';
import { registerGeneratorHandlers } from './generator-handlers';
import { createReviewEvaluateHandler } from './review-handler';
import { createProxyStudyHandler } from './proxy-study-handler';
import { initialGeneratorRef as initialRefOf } from '../generators/create-generator';

/** The real agent: the PyTorch runner pool ('evaluate') plus the generators ('generate', 'fine-tune'). */
export interface RealAgent {
  readonly agentId: string;
  readonly device: ResolvedDevice;
  readonly handler: JobHandler;
  readonly concurrency: number;
  close(): Promise<void>;
}

export interface RealAgentOptions {
  readonly store: EventStore;
  /** cpu | cuda | cuda:<n> | auto. */
  readonly device: string;
  /** Generator versions and adapters: agents on several machines must share this directory. */
  readonly artifactDir: string;
  /** Directories candidates must not see (the embedded store's directory, for one). */
  readonly hide: readonly string[];
  readonly workers?: number;
  readonly valSubset?: number | null;
  readonly timeoutS?: number;
  readonly threads?: number;
  readonly agentId?: string;
  /** Checked at start-up, before anything is registered: a missing dataset fails here, not at the first evaluation. */
  readonly dataset?: string;
  readonly log?: (line: string) => void;
}

/** Starts the runner pool and registers every job kind the agent runs; `handler` goes behind the bus's job claims. */
export async function startRealAgent(options: RealAgentOptions): Promise<RealAgent> {
  const registry = new JobHandlerRegistry();
  const agent = await createGpuAgent({
    store: options.store, registry, device: options.device, workers: options.workers, agentId: options.agentId,
    valSubset: options.valSubset ?? null, timeoutS: options.timeoutS, threads: options.threads, hide: options.hide, log: options.log,
  });
  if (options.dataset !== undefined) {
    const { dataset } = await agent.pool.probe({ dataset: options.dataset, dataRoot: null });
    if (dataset && !dataset.present) {
      await agent.close();
      throw new LedgerError('NOT_FOUND', dataset.message ?? `dataset ${options.dataset} not found`, dataset.hint ?? undefined, { dataset: options.dataset });
    }
  }
  registerGeneratorHandlers(registry, {
    store: options.store, agentId: agent.agentId, artifactDir: options.artifactDir, device: agent.device.device, log: options.log,
  });
  // Reproducibility reviews re-run recorded candidates on the same pool, with the generators' artifacts for --regenerate.
  registry.register('review-evaluate', createReviewEvaluateHandler({
    store: options.store, pool: agent.pool, agentId: agent.agentId, device: agent.device.device, artifactDir: options.artifactDir,
    timeoutS: options.timeoutS, log: options.log,
  }));
  // Proxy-reliability studies full-train and re-seed recorded candidates on the same pool (their timeout scales with the epochs).
  registry.register('proxy-study', createProxyStudyHandler({ store: options.store, pool: agent.pool, agentId: agent.agentId, device: agent.device.device, log: options.log }));
  return {
    agentId: agent.agentId, device: agent.device, handler: registry.dispatch, concurrency: agent.pool.size, close: () => agent.close(),
  };
}

/** The version a generator starts from (cycle 1), as its own factory names it. */
export function initialGeneratorRef(config: ExperimentConfig, artifactDir: string): Promise<GeneratorRef> {
  return initialRefOf(config.generator, {
    artifactDir, dataset: config.dataset, parameterBudget: config.parameterBudget, device: config.device,
  });
}
