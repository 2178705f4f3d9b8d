import { LedgerError } from '../../domain/shared/ledger-error';
import { sha256Hex } from '../../domain/shared/canonical-json';
import { streamIds, type CandidateEvaluated, type CandidateRejected, type RejectionStage } from '../../domain/experiment/events';
import { firstEvent } from '../../domain/experiment/ledger-event';
import { protocolValuesFrom } from '../../domain/experiment/protocol-values';
import { candidateDecider } from '../../domain/candidate/candidate.decider';
import type { CandidateCommand } from '../../domain/candidate/candidate.commands';
import { structuralFingerprint, validateStructuralGraph } from '../../domain/novelty/structural-fingerprint';
import type { EventStore } from '../../src/ledger/event-store.port';
import type { EvaluateJob } from '../../src/bus/agent-job';
import { handleCommand, ONE_ATTEMPT } from '../../src/ledger/handle-command';
import type { RunnerPool } from '../runner-pool/runner-pool';
import { cleanReason, type RunnerResult } from '../runner-pool/runner-protocol';
import { checkDataset, checkProtocol } from './catalog';

export interface EvaluateHandlerOptions {
  readonly store: EventStore;
  readonly pool: RunnerPool;
  readonly agentId: string;
  /** The device this agent's runners use (resolved at start-up; jobs asking for 'auto' get it). */
  readonly device: 'cpu' | 'cuda';
  /** Validation images per evaluation; null = the whole test split. */
  readonly valSubset?: number | null;
  readonly timeoutS?: number;
  readonly threads?: number;
  readonly dataRoot?: string | null;
  readonly now?: () => Date;
  readonly log?: (line: string) => void;
}

const MAX_CONFLICT_RETRIES = 5;

/** Refuses a malformed job with a typed error (the claim wrapper records it as JobFailed). */
export function checkEvaluateJob(job: EvaluateJob): void {
  const bad = (why: string): never => {
    throw new LedgerError('BAD_INPUT', `malformed evaluate job ${String(job?.jobId)}: ${why}`, 'The orchestrator must send EvaluateJob messages (src/bus/agent-job.ts).');
  };
  if (job?.kind !== 'evaluate') bad(`kind ${String(job?.kind)}`);
  for (const key of ['jobId', 'experimentId', 'candidateId', 'codeHash', 'dataset', 'protocol', 'device', 'correlationId', 'causationId'] as const) {
    if (typeof job[key] !== 'string' || job[key] === '') bad(`${key} must be a non-empty string`);
  }
  if (!Number.isInteger(job.cycle) || job.cycle < 0) bad('cycle must be a non-negative integer');
  if (!Number.isInteger(job.seed)) bad('seed must be an integer');
  if (!Number.isInteger(job.parameterBudget) || job.parameterBudget < 1) bad('parameterBudget must be a positive integer');
  const flops = job.flopsBudget ?? null;
  if (flops !== null && (!Number.isInteger(flops) || flops < 1)) bad('flopsBudget must be null or a positive integer');
  if (job.subset !== null && (!Number.isInteger(job.subset) || job.subset < 1)) bad('subset must be null or a positive integer');
  if (!['cpu', 'cuda', 'auto'].includes(job.device)) bad(`device ${job.device}`);
}

/**
 * The 'evaluate' job: load the candidate's code from its CandidateGenerated event, run it through the sandbox,
 * validation stages and the one-epoch proxy, and append CandidateEvaluated (with its structural fingerprint) or
 * CandidateRejected to `candidate-<id>` through the candidate decider. The command id derives from the job, so a
 * redelivered job finds its verdict already recorded and appends nothing.
 */
export function createEvaluateHandler(options: EvaluateHandlerOptions): (job: EvaluateJob) => Promise<void> {
  const now = options.now ?? (() => new Date());
  const log = options.log ?? (() => undefined);
  return async (job) => {
    checkEvaluateJob(job);
    checkDataset(job.dataset);
    checkProtocol(job.protocol);
    if (job.device === 'cuda' && options.device !== 'cuda') {
      throw new LedgerError('UNAVAILABLE', `job ${job.jobId} needs a GPU and this agent runs on the CPU`, 'Run an agent with --device cuda for this experiment.');
    }
    const stream = streamIds.candidate(job.candidateId);
    const recorded = await options.store.readStream(stream);
    if (recorded.some((e) => e.type === 'CandidateEvaluated' || e.type === 'CandidateRejected')) return;
    const generated = firstEvent(recorded, 'CandidateGenerated')?.data;
    if (!generated) {
      throw new LedgerError('NOT_FOUND', `candidate ${job.candidateId} has no CandidateGenerated event`, 'Evaluate jobs follow the generation of their candidate.');
    }
    if (generated.codeHash !== job.codeHash || sha256Hex(generated.code) !== job.codeHash) {
      throw new LedgerError('INTEGRITY', `candidate ${job.candidateId}: the job's code hash does not match the recorded code`,
        'The ledger or the job was altered; verify the store (nas-ledger events verify).');
    }

    const result = await options.pool.run('evaluate', generated.code, {
      dataset: job.dataset, protocol: job.protocol, subset: job.subset, valSubset: options.valSubset ?? null, seed: job.seed,
      device: options.device, parameterBudget: job.parameterBudget, flopsBudget: job.flopsBudget ?? null, timeoutS: options.timeoutS ?? 600,
      threads: options.threads ?? 1, dataRoot: options.dataRoot ?? null, fingerprint: true,
    });
    log(`agent ${options.agentId}: ${job.candidateId} ${result.stage}${result.ok ? ` accuracy ${result.accuracy?.toFixed(4)}` : `: ${result.reason}`}`);
    const command = verdictCommand(job, result);
    const ctx = {
      commandId: `${command.type}:${job.jobId}`, correlationId: job.correlationId, causationId: job.causationId,
      actor: `agent/${options.agentId}`, now,
    };
    for (let attempt = 1; ; attempt++) {
      const { outcome } = await handleCommand(options.store, stream, candidateDecider, command, ctx, ONE_ATTEMPT);
      if (outcome !== 'conflict') return;
      // Another writer (e.g. the novelty engine) appended to the candidate stream meanwhile: re-read and decide again.
      if (attempt >= MAX_CONFLICT_RETRIES) {
        throw new LedgerError('CONFLICT', `candidate ${job.candidateId}: the stream kept changing while recording the verdict`, 'The job will be redelivered.');
      }
    }
  };
}

function deviceLabel(result: RunnerResult): string {
  return result.device === 'cuda' ? `cuda:${result.deviceName ?? 'unknown'}` : 'cpu';
}

/** The runner's outcome as a candidate command: an evaluation, or a rejection at the first failing stage. */
export function verdictCommand(job: EvaluateJob, result: RunnerResult): CandidateCommand {
  const base = { experimentId: job.experimentId, cycle: job.cycle, candidateId: job.candidateId };
  if (!result.ok) {
    const data: CandidateRejected['data'] = {
      ...base, stage: result.stage as RejectionStage, reason: cleanReason(result.reason), params: result.params, device: deviceLabel(result),
    };
    return { type: 'RecordRejection', data };
  }
  const libraries: Record<string, string> = {};
  for (const [name, version] of Object.entries(result.libraries)) if (version) libraries[name] = version;
  libraries.sandbox = result.sandbox;
  let fingerprint: string | null = null;
  if (result.graph !== undefined) fingerprint = structuralFingerprint(validateStructuralGraph(result.graph));
  const data: CandidateEvaluated['data'] = {
    ...base, accuracy: result.accuracy!, loss: result.loss!, params: result.params!,
    dataset: { id: result.dataset, contentHash: result.datasetHash! }, protocolHash: result.protocolHash, seed: result.seed,
    device: deviceLabel(result), libraries, timings: result.timings, structuralFingerprint: fingerprint,
    flops: result.flops,
    // every value the protocolHash covers, as the runner resolved and hashed them (schema version 2)
    protocolValues: protocolValuesFrom(result.protocol),
    ...(result.measurement ? { measurement: { by: result.measurement.by, selfReported: [...result.measurement.selfReported] } } : {}),
  };
  return { type: 'RecordEvaluation', data };
}
