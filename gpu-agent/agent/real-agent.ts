import { resolve } from 'node:path';
import { LedgerError } from '../../domain/shared/ledger-error';
import type { ExperimentConfig } from '../../domain/experiment/config';
import type { GeneratorRef } from '../../domain/experiment/events';
import type { EventStore } from '../ledger/event-store.port';
import { resolveStoreLocation } from '../ledger/open-event-store';
import type { JobHandler } from '../bus/agent-bus.port';
import { createGpuAgent } from '../../gpu-agent/agent/gpu-agent';
import { JobHandlerRegistry } from '../../gpu-agent/agent/job-handlers';
import { registerGeneratorHandlers } from '../../gpu-agent/generators/generator-handlers';
import { artifactDirFor } from '../ledger/artifact-store';
import { initialGeneratorRef as initialRefOf } from '../generators/create-generator';

/** The real agent in this process: PyTorch runner pool ('evaluate') plus the generators ('generate', 'fine-tune'). */
export interface RealAgent {
  readonly agentId: string;
  readonly handler: JobHandler;
  readonly concurrency: number;
  close(): Promise<void>;
}

export async function startRealAgent(
  store: EventStore, storeUrl: string, config: ExperimentConfig,
  options: { workers?: number; valSubset?: number | null; log?: (line: string) => void } = {},
): Promise<RealAgent> {
  const location = resolveStoreLocation(storeUrl);
  const registry = new JobHandlerRegistry();
  const agent = await createGpuAgent({
    store, device: config.device, registry, workers: options.workers, log: options.log, valSubset: options.valSubset ?? null,
    hide: location.kind === 'pglite' ? [resolve(location.directory)] : [],
  });
  // A missing dataset would otherwise surface at the first evaluation, after the experiment was registered.
  const { dataset } = await agent.pool.probe({ dataset: config.dataset, dataRoot: null });
  if (dataset && !dataset.present) {
    await agent.close();
    throw new LedgerError('NOT_FOUND', dataset.message ?? `dataset ${config.dataset} not found`, dataset.hint ?? undefined, { dataset: config.dataset });
  }
  registerGeneratorHandlers(registry, { store, agentId: agent.agentId, artifactDir: artifactDirFor(storeUrl), device: config.device, log: options.log });
  return { agentId: agent.agentId, handler: registry.dispatch, concurrency: agent.pool.size, close: () => agent.close() };
}

/** The version a generator starts from (cycle 1), as its own factory names it. */
export function initialGeneratorRef(config: ExperimentConfig, storeUrl: string): Promise<GeneratorRef> {
  return initialRefOf(config.generator, {
    artifactDir: artifactDirFor(storeUrl), dataset: config.dataset, parameterBudget: config.parameterBudget, device: config.device,
  });
}
