import { LedgerError } from '../../domain/shared/ledger-error';
import { streamIds, type JobClaimed, type LedgerEvent } from '../../domain/experiment/events';
import { asLedgerEvent } from '../../projections/shared/ledger-event';
import type { EventStore } from '../../src/ledger/event-store.port';
import { commandEvents } from '../../src/ledger/handle-command';
import type { AgentJob } from '../../src/bus/agent-job';
import type { JobHandler } from '../../src/bus/agent-bus.port';
import { reviewVerdictRecorded } from './review-verdict-recorded';
import { proxyStudyResultRecorded } from './proxy-study-handler';

/** True when the job's result is already in the ledger (a redelivered or re-published job is then skipped). */
export async function jobResultRecorded(store: EventStore, job: AgentJob): Promise<boolean> {
  switch (job.kind) {
    case 'evaluate': {
      const events = await store.readStream(streamIds.candidate(job.candidateId));
      return events.some((e) => e.type === 'CandidateEvaluated' || e.type === 'CandidateRejected');
    }
    case 'generate': {
      const last = `${job.experimentId}.c${String(job.cycle).padStart(2, '0')}.${String(job.count - 1).padStart(3, '0')}`;
      const events = await store.readStream(streamIds.candidate(last));
      return events.some((e) => e.type === 'CandidateGenerated');
    }
    case 'fine-tune': {
      const events = await store.readStream(streamIds.experiment(job.experimentId));
      return events.some((e) => {
        const event = asLedgerEvent(e);
        return event?.type === 'GeneratorFineTuned' && event.data.cycle === job.cycle;
      });
    }
    case 'review-evaluate': return reviewVerdictRecorded(store, job);
    case 'proxy-study': return proxyStudyResultRecorded(store, job);
    default: {
      const never: never = job;
      throw new Error(`unknown job ${JSON.stringify(never)}`);
    }
  }
}

export interface ClaimOptions {
  readonly agentId: string;
  /** How long a claim holds; renewed at a third of it while the handler runs. */
  readonly leaseMs?: number;
  readonly now?: () => number;
  readonly log?: (line: string) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Wraps an agent's handler with the ledger-side job protocol: skip a job whose result is recorded; claim it
 * by appending JobClaimed to `job-<jobId>` at the stream's current version (two agents racing after a rebalance:
 * one append wins, the other sees a live lease and waits it out); renew the lease while working; record
 * JobFailed when the handler throws (then rethrow, so the bus redelivers). A claim whose lease ran out
 * (its agent died) is taken over with the next attempt number.
 *
 * Claims append directly rather than through handleCommand: a claim's command id carries the attempt number read
 * from the stream it is about to write (so it cannot be fixed before the read), a renewal appends blind at the
 * version its own last append left (any other write means the lease was lost), and JobFailed is appended at
 * 'any'. The envelopes are handleCommand's (commandEvents: ids from the command id, the one metadata type).
 */
export function withJobClaims(store: EventStore, handler: JobHandler, options: ClaimOptions): JobHandler {
  const leaseMs = options.leaseMs ?? 30_000;
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => undefined);
  return async (job) => {
    const stream = streamIds.job(job.jobId);
    for (;;) {
      if (await jobResultRecorded(store, job)) return;
      const recorded = await store.readStream(stream);
      const claims = recorded.map(asLedgerEvent).filter((e): e is JobClaimed => e?.type === 'JobClaimed');
      const last = recorded[recorded.length - 1];
      const lastClaim = claims[claims.length - 1];
      if (last?.type === 'JobClaimed' && lastClaim && lastClaim.data.leaseUntil > now() && lastClaim.data.agentId !== options.agentId) {
        // Another agent holds it: wait for its result or for its lease to run out.
        await sleep(Math.min(1000, Math.max(20, lastClaim.data.leaseUntil - now())));
        continue;
      }
      const attempt = (lastClaim?.data.attempt ?? 0) + 1;
      const expected = recorded.length === 0 ? 'no_stream' as const : last!.streamVersion;
      let version: number;
      try {
        const result = await store.append(stream, claimEvents(job, options.agentId, attempt, now() + leaseMs, 0), expected);
        version = result.lastStreamVersion;
      } catch (error) {
        if (error instanceof LedgerError && error.code === 'CONFLICT') continue; // another agent claimed first; look again
        throw error;
      }
      log(`agent ${options.agentId}: claimed ${job.jobId} (attempt ${attempt})`);
      let renewals = 0;
      const renew = setInterval(() => {
        renewals++;
        store.append(stream, claimEvents(job, options.agentId, attempt, now() + leaseMs, renewals), version)
          .then((r) => { version = r.lastStreamVersion; })
          .catch(() => undefined); // lost the lease (we were too slow): results stay idempotent on the candidate stream
      }, Math.max(50, Math.floor(leaseMs / 3)));
      try {
        await handler(job);
        return;
      } catch (error) {
        clearInterval(renew);
        const reason = error instanceof Error ? error.message : String(error);
        await store.append(stream, commandEvents([{ type: 'JobFailed', data: { jobId: job.jobId, agentId: options.agentId, attempt, reason } } satisfies LedgerEvent],
          { commandId: `JobFailed:${job.jobId}:${attempt}`, correlationId: job.correlationId, causationId: job.causationId, actor: `agent/${options.agentId}`, now: () => new Date(now()) }),
        'any').catch(() => undefined);
        throw error;
      } finally {
        clearInterval(renew);
      }
    }
  };
}

function claimEvents(job: AgentJob, agentId: string, attempt: number, leaseUntil: number, renewal: number) {
  return commandEvents([{ type: 'JobClaimed', data: { jobId: job.jobId, agentId, attempt, leaseUntil } } satisfies LedgerEvent],
    { commandId: `ClaimJob:${job.jobId}:${attempt}:${agentId}:${renewal}`, correlationId: job.correlationId, causationId: job.causationId, actor: `agent/${agentId}`, now: () => new Date() });
}
