import { LedgerError } from '../../domain/shared/ledger-error';
import type { JobHandler } from '../../src/bus/agent-bus.port';
import type { AgentJob, AgentJobKind } from '../../src/bus/agent-job';

/**
 * The agent's handler registry, keyed by job kind. The agent registers 'evaluate' itself; the generators
 * register 'generate' and 'fine-tune' with registerJobHandler. A handler resolves once its result is appended
 * to the ledger (then the bus acknowledges the job) and throws a LedgerError otherwise (the claim wrapper records
 * JobFailed and the bus redelivers). Handlers must be idempotent: derive event ids from the job.
 */
export type KindHandler<K extends AgentJobKind> = (job: Extract<AgentJob, { kind: K }>) => Promise<void>;

export class JobHandlerRegistry {
  private readonly handlers = new Map<AgentJobKind, (job: AgentJob) => Promise<void>>();

  register<K extends AgentJobKind>(kind: K, handler: KindHandler<K>): void {
    this.handlers.set(kind, handler as (job: AgentJob) => Promise<void>);
  }

  has(kind: AgentJobKind): boolean {
    return this.handlers.has(kind);
  }

  /** One JobHandler for the bus that routes by kind; an unknown or unregistered kind is a typed failure. */
  readonly dispatch: JobHandler = async (job) => {
    const handler = this.handlers.get(job?.kind);
    if (!handler) {
      throw new LedgerError('UNSUPPORTED', `this agent has no handler for ${String(job?.kind)} jobs`,
        'Start an agent that registers one (registerJobHandler), or route the job elsewhere.');
    }
    await handler(job);
  };
}

/** The process-wide registry `nas-ledger agent` uses. */
export const defaultRegistry = new JobHandlerRegistry();

/** Plugs a handler for one job kind into the default registry (the generators use it for 'generate' and 'fine-tune'). */
export function registerJobHandler<K extends AgentJobKind>(kind: K, handler: KindHandler<K>): void {
  defaultRegistry.register(kind, handler);
}
