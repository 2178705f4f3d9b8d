import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { LedgerError } from '../../domain/shared/ledger-error';
import type { EventStore } from '../../src/ledger/event-store.port';
import type { AgentBus, JobConsumer, JobHandler } from '../../src/bus/agent-bus.port';
import type { AgentJob } from '../../src/bus/agent-job';
import { withJobClaims } from './job-claims';
import { createSimJobHandler } from '../simulation/sim-backends';

export const AGENTS_GROUP = 'nas-ledger-agents';

export interface LocalAgentOptions {
  readonly concurrency?: number;
  readonly leaseMs?: number;
  readonly agentId?: string;
  /** Handler for the real (non-sim) jobs: the GPU agent's runner pool and generators. */
  readonly realHandler?: JobHandler;
  readonly simEvaluateDelayMs?: number;
  readonly log?: (line: string) => void;
}

const isSim = (job: AgentJob): boolean =>
  job.kind === 'evaluate' || job.kind === 'review-evaluate' || job.kind === 'proxy-study' ? job.protocol === 'sim' : job.generatorSpec === 'sim';

/** An agent in this process: takes jobs from the bus, claims them in the ledger, runs sim or real handlers. */
export async function startLocalAgent(store: EventStore, bus: AgentBus, options: LocalAgentOptions = {}): Promise<JobConsumer & { agentId: string }> {
  const agentId = options.agentId ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 6)}`;
  const sim = createSimJobHandler(store, { agentId, evaluateDelayMs: options.simEvaluateDelayMs });
  const route: JobHandler = async (job) => {
    if (isSim(job)) return sim(job);
    if (!options.realHandler) {
      throw new LedgerError('UNSUPPORTED', `no handler for ${job.kind} jobs of ${'protocol' in job ? job.protocol : job.generatorSpec} in this agent`,
        'Run the sim backends (--generator sim) or an agent with the PyTorch runner.');
    }
    return options.realHandler(job);
  };
  const consumer = await bus.consume(AGENTS_GROUP, withJobClaims(store, route, { agentId, leaseMs: options.leaseMs, log: options.log }),
    { concurrency: options.concurrency ?? 2 });
  return { agentId, stop: () => consumer.stop() };
}
