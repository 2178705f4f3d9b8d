import { LedgerError } from '../../domain/shared/ledger-error';
import { streamIds, protocolValuesOf } from '../../domain/experiment/events';
import { firstEvent } from '../../domain/experiment/ledger-event';
import { proxyStudyDecider } from '../../domain/study/proxy-study.decider';
import { proxyStudyCommandIds, studyStreamId, type TrainingOutcome } from '../../domain/study/proxy-study.events';
import type { EventStore } from '../../src/ledger/event-store.port';
import { handleCommand } from '../../src/ledger/handle-command';
import type { ProxyStudyJob } from '../../src/bus/agent-job';
import type { RunnerPool } from '../runner-pool/runner-pool';
import type { RunnerConfig } from '../runner-pool/runner-protocol';
import { cleanReason } from '../runner-pool/runner-protocol';

export interface ProxyStudyHandlerOptions {
  readonly store: EventStore;
  readonly pool: RunnerPool;
  readonly agentId: string;
  /** The device this agent's runners use. */
  readonly device: 'cpu' | 'cuda';
  /** Seconds one training may take (full training of 50 epochs on a GPU: set it high). */
  readonly timeoutS?: number;
  readonly now?: () => Date;
  readonly log?: (line: string) => void;
}

/** True when the study already holds this job's result (a redelivered or re-published job is then skipped). */
export async function proxyStudyResultRecorded(store: EventStore, job: ProxyStudyJob): Promise<boolean> {
  const events = await store.readStream(studyStreamId(job.studyId));
  return events.some((e) => {
    const data = e.data as { candidateId?: string; seed?: number };
    if (data.candidateId !== job.candidateId) return false;
    return job.task === 'full-train' ? e.type === 'FullTrainRecorded' : e.type === 'ProxyRerunRecorded' && data.seed === job.seed;
  });
}

function checkJob(job: ProxyStudyJob): void {
  const bad = (why: string): never => {
    throw new LedgerError('BAD_INPUT', `malformed proxy-study job ${String(job?.jobId)}: ${why}`, 'Studies send ProxyStudyJob messages (src/bus/agent-job.ts).');
  };
  for (const key of ['jobId', 'experimentId', 'studyId', 'candidateId', 'protocol', 'dataset'] as const) {
    if (typeof job[key] !== 'string' || job[key] === '') bad(`${key} must be a non-empty string`);
  }
  if (job.task !== 'full-train' && job.task !== 'proxy') bad(`task must be full-train or proxy, got ${String(job.task)}`);
  if (!Number.isInteger(job.epochs) || job.epochs < 1) bad('epochs must be a positive integer');
  if (!Number.isInteger(job.seed) || job.seed < 0) bad('seed must be a non-negative integer');
  if (!Number.isInteger(job.threads) || job.threads < 1) bad('threads must be a positive integer');
}

/**
 * The 'proxy-study' job: trains one selected candidate's recorded code (hash-checked by the runner's code hash) through
 * the same sandbox and stages as its evaluation — for `epochs` epochs with protocol `full`, or one proxy epoch under
 * another seed — with the batch size and hyper-parameters its evaluation recorded, and records the outcome on the
 * study's stream with a command id from the study, the candidate and the seed.
 */
export function createProxyStudyHandler(options: ProxyStudyHandlerOptions): (job: ProxyStudyJob) => Promise<void> {
  const log = options.log ?? (() => undefined);
  return async (job) => {
    checkJob(job);
    if (job.device === 'cuda' && options.device !== 'cuda') {
      throw new LedgerError('UNAVAILABLE', `study ${job.studyId} trains on a GPU and this agent runs on the CPU`, 'Run an agent with --device cuda, or start the study with --device cpu.');
    }
    const events = await options.store.readStream(streamIds.candidate(job.candidateId));
    const generated = firstEvent(events, 'CandidateGenerated')?.data;
    const evaluated = firstEvent(events, 'CandidateEvaluated')?.data;
    if (!generated || !evaluated || generated.experimentId !== job.experimentId) {
      throw new LedgerError('NOT_FOUND', `candidate ${job.candidateId} of ${job.experimentId} has no recorded evaluation`, 'Studies train evaluated candidates only.');
    }
    const config = firstEvent(await options.store.readStream(streamIds.experiment(job.experimentId)), 'ExperimentRegistered')?.data.config;
    if (!config) throw new LedgerError('NOT_FOUND', `experiment ${job.experimentId} is not registered`, 'nas-ledger experiments lists the experiments.');
    const recorded = protocolValuesOf(evaluated);
    const runConfig: RunnerConfig = {
      dataset: job.dataset, dataRoot: null, device: job.device === 'cuda' ? 'cuda' : 'cpu', subset: job.subset, valSubset: job.valSubset, seed: job.seed,
      parameterBudget: config.parameterBudget, flopsBudget: config.flopsBudget ?? null, threads: job.threads, timeoutS: options.timeoutS ?? 3600,
      fingerprint: false,
      ...(recorded && !recorded.fixedPrm ? { batchSize: recorded.batchSize, prm: recorded.prm } : {}),
      ...(job.task === 'full-train' ? { protocol: 'full', epochs: job.epochs } : { protocol: job.protocol }),
    };
    const started = Date.now();
    const result = await options.pool.run(job.task === 'full-train' ? 'full_train' : 'evaluate', generated.code, runConfig);
    const outcome: TrainingOutcome = {
      ok: result.ok, accuracy: result.ok ? result.accuracy : null, loss: result.ok ? result.loss : null, stage: result.stage,
      reason: result.ok ? null : cleanReason(result.reason), protocolHash: result.protocolHash,
      device: result.device === 'cuda' ? `cuda:${result.deviceName ?? 'unknown'}` : 'cpu', durationMs: Date.now() - started,
    };
    log(`agent ${options.agentId}: study ${job.studyId} ${job.candidateId} ${job.task === 'full-train' ? `${job.epochs}-epoch training` : `proxy seed ${job.seed}`}: `
      + `${outcome.ok ? `accuracy ${outcome.accuracy}` : `${outcome.stage} (${outcome.reason})`}`);
    const meta = {
      correlationId: job.correlationId, causationId: job.causationId, actor: `agent/${options.agentId}`, ...(options.now ? { now: options.now } : {}),
    };
    const base = { studyId: job.studyId, experimentId: job.experimentId, candidateId: job.candidateId, ...outcome };
    if (job.task === 'full-train') {
      await handleCommand(options.store, studyStreamId(job.studyId), proxyStudyDecider, { type: 'RecordFullTrain', data: { ...base, epochs: job.epochs } },
        { ...meta, commandId: proxyStudyCommandIds.fullTrain(job.studyId, job.candidateId) });
    } else {
      await handleCommand(options.store, studyStreamId(job.studyId), proxyStudyDecider, { type: 'RecordProxyRerun', data: { ...base, seed: job.seed } },
        { ...meta, commandId: proxyStudyCommandIds.proxyRerun(job.studyId, job.candidateId, job.seed) });
    }
  };
}
