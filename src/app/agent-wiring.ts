import { resolve } from 'node:path';
import type { ExperimentConfig } from '../../domain/experiment/config';
import type { GeneratorRef } from '../../domain/experiment/events';
import type { EventStore } from '../ledger/event-store.port';
import { resolveStoreLocation } from '../ledger/open-event-store';
import { artifactDirFor } from '../ledger/artifact-store';
import { startRealAgent, type RealAgent, type RealAgentOptions } from '../../gpu-agent/agent/real-agent';
import { initialGeneratorRef as initialRefOf } from '../../gpu-agent/generators/create-generator';

/**
 * The composition root between the orchestrator and the agent: the one file of src/ that imports gpu-agent/
 * (a dependency-cruiser rule keeps it so). gpu-agent/ in turn sees only the ports (store, bus, the write path,
 * artifacts) and domain/. What the agent needs to know about where the ledger lives (the directory candidates must
 * not see, the shared artifact directory) is decided here, from the store URL.
 */
export { startLocalAgent, AGENTS_GROUP, type LocalAgentOptions } from '../../gpu-agent/agent/local-agent';
export type { RealAgent } from '../../gpu-agent/agent/real-agent';
export { simInitialGenerator, simSeedCorpus } from '../../gpu-agent/simulation/sim-backends';
export { loadSeedCorpus } from '../../gpu-agent/generators/seed-corpus';
export { createGenerator } from '../../gpu-agent/generators/create-generator';
export type { GeneratedProgram } from '../../gpu-agent/generators/generator.port';
export { importLemurCorpus } from '../../gpu-agent/generators/lemur-import';
export { evaluateProgram, type EvaluationReport } from '../../gpu-agent/agent/evaluate-program';
export { compareStructure } from '../../gpu-agent/python/structural-fingerprint';
export { probeReviewEnvironment, type LocalReviewEnvironment } from '../../gpu-agent/agent/review-environment';

/** Where an agent serving this store keeps artifacts, and which directories its candidates must not see. */
export function agentPlacement(storeUrl: string | undefined): { artifactDir: string; hide: string[] } {
  const location = resolveStoreLocation(storeUrl);
  return { artifactDir: artifactDirFor(storeUrl), hide: location.kind === 'pglite' ? [resolve(location.directory)] : [] };
}

/** The real agent's options less what the wiring decides from the store URL (the store, artifacts, hidden paths). */
export type AgentStartOptions = Omit<RealAgentOptions, 'store' | 'artifactDir' | 'hide'>;

/** The PyTorch agent for the ledger at storeUrl: used by `run` (in process) and `nas-ledger agent` (stand-alone). */
export function startAgentFor(store: EventStore, storeUrl: string | undefined, options: AgentStartOptions): Promise<RealAgent> {
  return startRealAgent({ store, ...agentPlacement(storeUrl), ...options });
}

/** The version a generator starts from (cycle 1), with the store's artifact directory. */
export function initialGeneratorRef(config: ExperimentConfig, storeUrl: string | undefined): Promise<GeneratorRef> {
  return initialRefOf(config.generator, {
    artifactDir: artifactDirFor(storeUrl), dataset: config.dataset, parameterBudget: config.parameterBudget, device: config.device,
    // A config recorded before the key existed sampled θ as it is.
    grammarTemperature: config.grammarTemperature ?? 1,
  });
}
