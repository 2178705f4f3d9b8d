import type { AgentJob } from './agent-job';

export const AGENT_BUS = Symbol('AGENT_BUS');

export type JobHandler = (job: AgentJob) => Promise<void>;

export interface JobConsumer {
  stop(): Promise<void>;
}

/**
 * Carries jobs to agents: in-process (the embedded default) or Kafka. A handler that resolves has
 * appended its result to the ledger; only then is the job acknowledged (Kafka: offset committed).
 */
export interface AgentBus {
  publish(job: AgentJob): Promise<void>;
  consume(group: string, handler: JobHandler, options?: { readonly concurrency?: number }): Promise<JobConsumer>;
  close(): Promise<void>;
}

/** How a bus is opened (both adapters take these). */
export interface OpenBusOptions {
  /** How long to wait for Kafka at start-up before giving up with UNAVAILABLE. */
  readonly connectTimeoutMs?: number;
  readonly clientId?: string;
}
