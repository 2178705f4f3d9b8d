import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { LedgerError } from '../../domain/shared/ledger-error';
import { streamIds } from '../../domain/experiment/events';
import { firstEvent } from '../../domain/experiment/ledger-event';
import type { EventStore } from '../ledger/event-store.port';
import type { AgentBus } from '../bus/agent-bus.port';
import { AGENT_JOB_PROTOCOL_VERSION, jobIdFor, type ReviewEvaluateJob } from '../bus/agent-job';
import { openAgentBus } from '../bus/open-agent-bus';
import { jobBusChoice, openJobBus, type OpenJobBus } from './job-bus';
import { jobResumeHint } from './resume-hint';
import { describeScope, reviewScope, type ReviewScopeRequest } from './review-scope';
import { completeReview, readReview, startReview, type ReviewRecord } from './review-ledger';
import { probeReviewEnvironment, startAgentFor, startLocalAgent, type RealAgent } from './agent-wiring';
import type { ReviewStarted } from '../../domain/review/review.events';
import { decisionDifferencesOf, rederiveDecisions, type DecisionsReport } from '../reviews/decisions';

export interface ReviewRunOptions extends ReviewScopeRequest {
  readonly store: EventStore;
  readonly storeUrl?: string;
  /** inproc (default: agents in this process) or kafka://host:port (agents elsewhere, unless `agents` says otherwise). */
  readonly busUrl?: string;
  readonly agents?: number;
  /** cpu | cuda | auto; default: each candidate's recorded device kind. */
  readonly device?: string;
  readonly tolerance: number;
  readonly regenerate?: boolean;
  readonly decisions?: boolean;
  /** Torch threads for the re-runs; default: the recorded count. */
  readonly threads?: number;
  readonly reviewId?: string;
  readonly actor?: string;
  readonly toolVersion: string;
  /** How long to wait for the verdicts before giving up (the review stays open: --resume carries on). */
  readonly timeoutMs?: number;
  readonly log?: (line: string) => void;
  readonly onVerdict?: (candidateId: string, verdict: string, done: number, total: number) => void;
}

export interface ReviewResumeOptions extends Omit<ReviewRunOptions, keyof ReviewScopeRequest | 'tolerance' | 'regenerate' | 'decisions' | 'device' | 'threads'> {
  readonly resume: string;
}

const MAX_JOB_FAILURES = 3;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function newReviewId(experimentId: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `${experimentId}.review-${stamp}-${randomBytes(3).toString('hex')}`;
}

/**
 * `nas-ledger review`: records ReviewStarted (scope, reviewer, this machine's environment, tool version), publishes
 * one 'review-evaluate' job per candidate, waits until the review's stream holds every verdict, then records
 * ReviewCompleted. Candidates whose verdict is already recorded are not published again, so `--resume` after a
 * kill -9 repeats nothing.
 */
export async function runReview(options: ReviewRunOptions & { readonly experimentId: string }): Promise<ReviewRecord> {
  const { store, experimentId } = options;
  const registered = firstEvent(await store.readStream(streamIds.experiment(experimentId)), 'ExperimentRegistered');
  if (!registered) throw new LedgerError('NOT_FOUND', `experiment ${experimentId} is not in this ledger`, 'nas-ledger experiments lists the experiments.', { experimentId });
  const config = registered.data.config;
  if (config.protocol === 'sim' || config.generator === 'sim') {
    throw new LedgerError('UNSUPPORTED', `experiment ${experimentId} ran on the simulation: its numbers come from a model, not from code that can run again`,
      'Reviews re-run real evaluations; the simulation is reproduced by its seed (nas-ledger simulate).');
  }
  const events = await store.readAll({ types: ['CycleStarted', 'CandidateGenerated', 'CandidateEvaluated', 'CandidateRejected', 'CandidateAdmitted'] });
  const scope = reviewScope(experimentId, events, options);
  const reviewId = options.reviewId ?? newReviewId(experimentId);
  const local = await probeReviewEnvironment(config.dataset);
  const device = options.device === 'cuda' ? 'cuda' : 'cpu';
  const data: ReviewStarted['data'] = {
    reviewId, experimentId, candidateIds: scope.candidates.map((c) => c.candidateId),
    scope: {
      cycle: options.cycle ?? null, admitted: options.admitted ?? false, candidates: options.candidates ?? null, sample: options.sample ?? null,
      seed: options.seed ?? null, regenerate: options.regenerate ?? false, decisions: options.decisions ?? false, tolerance: options.tolerance,
      device: options.device ?? null, threads: options.threads ?? null, valSubset: scope.valSubset,
    },
    reviewer: options.actor ?? `${process.env.USER ?? 'reviewer'}@${hostname()}`,
    environment: {
      datasetContentHash: local.datasetContentHash, dataset: config.dataset, device, libraries: local.libraries, threads: options.threads ?? 1,
      sandbox: local.sandbox,
    },
    toolVersion: options.toolVersion,
  };
  // The bus first: refused for it, a new job must leave nothing recorded.
  const opened = await openJobBus(options.busUrl, options.agents);
  try {
    await startReview(store, data, { actor: `review/${data.reviewer}` });
  } catch (error) {
    await opened.bus.close().catch(() => undefined);
    throw error;
  }
  options.log?.(`review ${reviewId}: ${scope.candidates.length} candidate(s) (${describeScope(options)})`
    + `${scope.skipped.length ? `; skipped ${scope.skipped.map((s) => `${s.candidateId}: ${s.why}`).join('; ')}` : ''}`);
  if (local.datasetContentHash === null) options.log?.(`review ${reviewId}: the dataset ${config.dataset} is missing here: verdicts will say not-reproducible`);
  return carryOn(options, reviewId, opened);
}

/** `review --resume <review>`: publishes the jobs whose verdicts are missing, waits, completes. */
export async function resumeReview(options: ReviewResumeOptions): Promise<ReviewRecord> {
  const record = await readReview(options.store, options.resume);
  if (record.completed) return record;
  return carryOn(options, options.resume);
}

/** Publishes the missing re-runs and waits for them; `opened` is a new review's bus (a resume opens its own if needed). */
async function carryOn(options: Omit<ReviewRunOptions, 'tolerance'>, reviewId: string, opened?: OpenJobBus): Promise<ReviewRecord> {
  const { store } = options;
  const { busUrl, agents } = opened ?? jobBusChoice(options.busUrl, options.agents);
  let bus = opened?.bus ?? null;
  let record: ReviewRecord;
  const stops: (() => Promise<void>)[] = [];
  try {
    record = await readReview(store, reviewId);
    const missing = record.candidateIds.filter((id) => !record.verdicts.has(id));
    if (missing.length > 0) {
      bus ??= await openAgentBus(busUrl);
      if (agents > 0) await startAgents(options, record, bus, agents, stops, missing.length);
      const decisions = record.started.scope.decisions ? await decisionsOf(store, record.experimentId) : null;
      for (const candidateId of missing) await bus.publish(jobFor(record, candidateId, decisions));
      record = await waitForVerdicts(options, reviewId);
    }
  } finally {
    for (const stop of stops) await stop().catch(() => undefined);
    await bus?.close().catch(() => undefined);
  }
  await completeReview(store, reviewId, { actor: `review/${record.started.reviewer}` });
  return readReview(store, reviewId);
}

async function startAgents(
  options: Omit<ReviewRunOptions, 'tolerance'>, record: ReviewRecord, bus: AgentBus, agents: number, stops: (() => Promise<void>)[], jobs: number,
): Promise<void> {
  const device = record.started.scope.device ?? 'auto';
  // No more runners than re-runs: each runner's start (a torch import) costs seconds on a small machine.
  const real: RealAgent = await startAgentFor(options.store, options.storeUrl, {
    device: device === 'auto' ? 'cpu' : device, log: options.log, ...(jobs < 2 ? { workers: 1 } : {}),
  });
  stops.unshift(() => real.close());
  for (let i = 0; i < agents; i++) {
    const agent = await startLocalAgent(options.store, bus, { realHandler: real.handler, concurrency: real.concurrency, log: options.log });
    stops.unshift(() => agent.stop());
  }
}

const cycleOfId = (candidateId: string): number => Number(/\.c(\d+)\.\d+$/.exec(candidateId)?.[1] ?? 0);

/** review --decisions: every novelty verdict and admission of the experiment re-derived from the log prefix before it. */
export async function decisionsOf(store: EventStore, experimentId: string): Promise<DecisionsReport> {
  return rederiveDecisions(await store.readAll(), experimentId);
}

function jobFor(record: ReviewRecord, candidateId: string, decisions: DecisionsReport | null): ReviewEvaluateJob {
  const scope = record.started.scope;
  return {
    ...(decisions ? { decisionDifferences: decisionDifferencesOf(decisions, candidateId) } : {}),
    protocolVersion: AGENT_JOB_PROTOCOL_VERSION, kind: 'review-evaluate', jobId: jobIdFor.reviewEvaluate(record.reviewId, candidateId),
    experimentId: record.experimentId, cycle: cycleOfId(candidateId), correlationId: `review:${record.reviewId}`, causationId: record.startedEventId,
    reviewId: record.reviewId, candidateId, protocol: 'real', device: scope.device ?? 'auto',
    tolerance: scope.tolerance, regenerate: scope.regenerate, threads: scope.threads ?? null, valSubset: scope.valSubset ?? null,
  };
}

/** Polls the review's stream until every candidate has its verdict; a job that keeps failing stops the wait. */
async function waitForVerdicts(options: Omit<ReviewRunOptions, 'tolerance'>, reviewId: string): Promise<ReviewRecord> {
  const deadline = Date.now() + (options.timeoutMs ?? 6 * 3600_000);
  const seen = new Set<string>();
  for (;;) {
    const record = await readReview(options.store, reviewId);
    const total = record.candidateIds.length;
    for (const [candidateId, verdict] of record.verdicts) {
      if (!seen.has(candidateId)) {
        seen.add(candidateId);
        options.onVerdict?.(candidateId, verdict.verdict, seen.size, total);
      }
    }
    if (record.verdicts.size >= total) return record;
    for (const candidateId of record.candidateIds.filter((id) => !record.verdicts.has(id))) {
      const failures = (await options.store.readStream(streamIds.job(jobIdFor.reviewEvaluate(reviewId, candidateId)))).filter((e) => e.type === 'JobFailed');
      if (failures.length >= MAX_JOB_FAILURES) {
        const reason = (failures[failures.length - 1]!.data as { reason?: string }).reason ?? 'unknown';
        throw new LedgerError('UNAVAILABLE', `review ${reviewId}: the re-run of ${candidateId} failed ${failures.length} times: ${reason}`,
          `Fix the cause, then ${jobResumeHint('review', reviewId, options.storeUrl, options.busUrl)} (the verdicts recorded so far are kept).`, { reviewId, candidateId });
      }
    }
    if (Date.now() > deadline) {
      throw new LedgerError('TIMEOUT', `review ${reviewId}: ${total - record.verdicts.size} verdict(s) still missing`,
        `Check that an agent serves the bus, then ${jobResumeHint('review', reviewId, options.storeUrl, options.busUrl)}.`, { reviewId });
    }
    await sleep(250);
  }
}
