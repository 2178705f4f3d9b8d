import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { LedgerError } from '../../domain/shared/ledger-error';
import { protocolValuesOf, streamIds, type CandidateEvaluated } from '../../domain/experiment/events';
import { firstEvent, isEvent } from '../../domain/experiment/ledger-event';
import type { RecordedEvent } from '../../domain/shared/event-envelope';
import { checkStudySettings, pendingWork } from '../../domain/study/proxy-study.decider';
import { studyStreamId, type ProxyStudyStarted, type StudyCandidate, type StudySource } from '../../domain/study/proxy-study.events';
import type { EventStore } from '../ledger/event-store.port';
import type { AgentBus } from '../bus/agent-bus.port';
import { AGENT_JOB_PROTOCOL_VERSION, jobIdFor, type ProxyStudyJob } from '../bus/agent-job';
import { openAgentBus } from '../bus/open-agent-bus';
import { jobBusChoice, openJobBus, type OpenJobBus } from './job-bus';
import { jobResumeHint } from './resume-hint';
import { completeProxyStudy, loadProxyStudy, startProxyStudy, type OpenStudy } from '../studies/proxy-study-commands';
import { startAgentFor, startLocalAgent } from './agent-wiring';

export interface ProxyStudyRunCommon {
  readonly store: EventStore;
  readonly storeUrl?: string;
  /** inproc (default: an agent in this process) or kafka://host:port (agents elsewhere, unless `agents` says otherwise). */
  readonly busUrl?: string;
  readonly agents?: number;
  /** Runners of the in-process agent (default: the device's suggestion). */
  readonly workers?: number;
  readonly actor?: string;
  /** How long to wait for the trainings before giving up (the study stays open: --resume carries on). */
  readonly timeoutMs?: number;
  readonly log?: (line: string) => void;
  /** Each training recorded: what it was, how many are done of how many. */
  readonly onResult?: (line: string, done: number, total: number) => void;
}

export interface ProxyStudyRunOptions extends ProxyStudyRunCommon {
  readonly experimentId: string;
  readonly topK: number;
  readonly epochs: number;
  readonly proxySeeds: number;
  readonly from: StudySource;
  /** cpu | cuda (default cpu). */
  readonly device?: string;
  readonly studyId?: string;
  readonly toolVersion: string;
}

const MAX_JOB_FAILURES = 3;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function newStudyId(experimentId: string, now = new Date()): string {
  return `${experimentId}.proxy-${now.toISOString().replace(/[-:T]/g, '').slice(0, 14)}-${randomBytes(3).toString('hex')}`;
}

/** The candidates a study may pick from, best proxy accuracy first (ties: log order), each with its evaluation. */
export function rankedCandidates(events: readonly RecordedEvent[], experimentId: string, from: StudySource): { candidate: StudyCandidate; evaluated: CandidateEvaluated['data'] }[] {
  const admitted = new Set(events.filter((e) => isEvent(e, 'CandidateAdmitted') && e.data.experimentId === experimentId)
    .map((e) => (e.data as { candidateId: string }).candidateId));
  const pool: { candidate: StudyCandidate; evaluated: CandidateEvaluated['data'] }[] = [];
  for (const e of events) {
    if (!isEvent(e, 'CandidateEvaluated') || e.data.experimentId !== experimentId) continue;
    if (from === 'admitted' && !admitted.has(e.data.candidateId)) continue;
    pool.push({ candidate: { candidateId: e.data.candidateId, proxyAccuracy: e.data.accuracy, evaluatedAt: e.globalPosition }, evaluated: e.data });
  }
  return pool.sort((a, b) => b.candidate.proxyAccuracy - a.candidate.proxyAccuracy || a.candidate.evaluatedAt - b.candidate.evaluatedAt);
}

/**
 * `nas-ledger study proxy <experiment>`: picks the top-k candidates by recorded proxy accuracy, records
 * ProxyStudyStarted, publishes one full-train job and R proxy jobs per candidate, waits until the study's stream holds
 * every result, then records ProxyStudyCompleted. Results already recorded are not published again, so `--resume`
 * after a kill -9 trains nothing twice.
 */
export async function runProxyStudy(options: ProxyStudyRunOptions): Promise<OpenStudy> {
  const { store, experimentId } = options;
  checkStudySettings({ topK: options.topK, epochs: options.epochs, proxySeeds: Array.from({ length: options.proxySeeds }, (_, i) => i), from: options.from });
  if (options.device !== undefined && options.device !== 'cpu' && options.device !== 'cuda') {
    throw new LedgerError('BAD_INPUT', `--device expects cpu or cuda, got "${options.device}"`, 'Pass --device cuda for a GPU agent.');
  }
  const registered = firstEvent(await store.readStream(streamIds.experiment(experimentId)), 'ExperimentRegistered');
  if (!registered) throw new LedgerError('NOT_FOUND', `experiment ${experimentId} is not in this ledger`, 'nas-ledger experiments lists the experiments.', { experimentId });
  const config = registered.data.config;
  if (config.protocol === 'sim' || config.generator === 'sim') {
    throw new LedgerError('UNSUPPORTED', `experiment ${experimentId} ran on the simulation: its candidates have no code to train longer`,
      'Run a proxy study on an experiment with real evaluations (e.g. --generator grammar).');
  }
  const ranked = rankedCandidates(await store.readAll({ types: ['CandidateEvaluated', 'CandidateAdmitted'] }), experimentId, options.from);
  if (ranked.length < options.topK) {
    throw new LedgerError('BAD_INPUT', `experiment ${experimentId} has ${ranked.length} ${options.from} candidate(s) with an accuracy, fewer than --top-k ${options.topK}`,
      ranked.length >= 3 ? `Pass --top-k ${ranked.length} or less${options.from === 'admitted' ? ', or --from valid' : ''}.` : 'Run more cycles first.',
      { available: ranked.length, topK: options.topK });
  }
  const selected = ranked.slice(0, options.topK);
  const values = protocolValuesOf(selected[0]!.evaluated);
  const studyId = options.studyId ?? newStudyId(experimentId);
  const requestedBy = options.actor ?? `${process.env.USER ?? 'researcher'}@${hostname()}`;
  const data: ProxyStudyStarted['data'] = {
    studyId, experimentId, from: options.from, topK: options.topK, candidates: selected.map((s) => s.candidate), poolSize: ranked.length, requestedBy,
    training: {
      epochs: options.epochs, proxySeeds: Array.from({ length: options.proxySeeds }, (_, i) => config.seed + 1 + i), dataset: config.dataset,
      protocol: config.protocol, subset: values ? values.subset : config.subset, valSubset: values ? values.valSubset : null,
      device: options.device ?? 'cpu', threads: values?.cpuThreads ?? 1,
    },
    toolVersion: options.toolVersion,
  };
  // The bus first: refused for it, a new job must leave nothing recorded.
  const opened = await openJobBus(options.busUrl, options.agents);
  try {
    await startProxyStudy(store, data, { actor: `study/${requestedBy}` });
  } catch (error) {
    await opened.bus.close().catch(() => undefined);
    throw error;
  }
  options.log?.(`study ${studyId}: top ${options.topK} of ${ranked.length} ${options.from} candidate(s), ${options.epochs} epoch(s), ${options.proxySeeds} proxy seed(s)`);
  return carryOn(options, studyId, opened);
}

/** `study proxy --resume <study>`: publishes the trainings still missing, waits, completes. */
export async function resumeProxyStudy(options: ProxyStudyRunCommon & { readonly resume: string }): Promise<OpenStudy> {
  const state = await loadProxyStudy(options.store, options.resume);
  return state.status === 'completed' ? state : carryOn(options, options.resume);
}

/** Publishes the missing trainings and waits for them; `opened` is a new study's bus (a resume opens its own if needed). */
async function carryOn(options: ProxyStudyRunCommon, studyId: string, opened?: OpenJobBus): Promise<OpenStudy> {
  const { store } = options;
  const { busUrl, agents } = opened ?? jobBusChoice(options.busUrl, options.agents);
  let bus = opened?.bus ?? null;
  const stops: (() => Promise<void>)[] = [];
  try {
    const state = await loadProxyStudy(store, studyId);
    const pending = pendingWork(state);
    if (pending.fullTrain.length + pending.reruns.length > 0) {
      bus ??= await openAgentBus(busUrl);
      if (agents > 0) await startAgents(options, state, bus, agents, stops);
      const started = (await store.readStream(studyStreamId(studyId), { from: 0, to: 0 }))[0]!;
      const seedOf = await recordedSeeds(store, state);
      for (const candidateId of pending.fullTrain) await bus.publish(jobFor(state, started, candidateId, 'full-train', seedOf.get(candidateId) ?? 0));
      for (const { candidateId, seed } of pending.reruns) await bus.publish(jobFor(state, started, candidateId, 'proxy', seed));
      await waitForResults(options, studyId);
    }
  } finally {
    for (const stop of stops) await stop().catch(() => undefined);
    await bus?.close().catch(() => undefined);
  }
  await completeProxyStudy(store, studyId, { actor: `study/${options.actor ?? process.env.USER ?? 'researcher'}` });
  return loadProxyStudy(store, studyId);
}

async function startAgents(options: ProxyStudyRunCommon, state: OpenStudy, bus: AgentBus, agents: number, stops: (() => Promise<void>)[]): Promise<void> {
  const real = await startAgentFor(options.store, options.storeUrl, { device: state.training.device, workers: options.workers, log: options.log });
  stops.unshift(() => real.close());
  for (let i = 0; i < agents; i++) {
    const agent = await startLocalAgent(options.store, bus, { realHandler: real.handler, concurrency: real.concurrency, log: options.log });
    stops.unshift(() => agent.stop());
  }
}

/** Full training uses each candidate's recorded evaluation seed (the proxy it is paired with). */
async function recordedSeeds(store: EventStore, state: OpenStudy): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const id of state.candidateIds) {
    const evaluated = firstEvent(await store.readStream(streamIds.candidate(id)), 'CandidateEvaluated');
    if (evaluated) out.set(id, evaluated.data.seed);
  }
  return out;
}

const cycleOfId = (candidateId: string): number => Number(/\.c(\d+)\.\d+$/.exec(candidateId)?.[1] ?? 0);

function jobFor(state: OpenStudy, started: RecordedEvent, candidateId: string, task: 'full-train' | 'proxy', seed: number): ProxyStudyJob {
  const t = state.training;
  return {
    protocolVersion: AGENT_JOB_PROTOCOL_VERSION, kind: 'proxy-study', jobId: jobIdFor.proxyStudy(state.studyId, candidateId, task, seed),
    experimentId: state.experimentId, cycle: cycleOfId(candidateId), correlationId: `study:${state.studyId}`, causationId: started.eventId,
    studyId: state.studyId, candidateId, task, epochs: task === 'full-train' ? t.epochs : 1, seed, protocol: t.protocol, dataset: t.dataset,
    subset: t.subset, valSubset: t.valSubset, device: t.device, threads: t.threads,
  };
}

/** Polls the study's stream until every training is recorded; a job that keeps failing stops the wait. */
async function waitForResults(options: ProxyStudyRunCommon, studyId: string): Promise<OpenStudy> {
  const deadline = Date.now() + (options.timeoutMs ?? 24 * 3600_000);
  let reported = -1;
  for (;;) {
    const state = await loadProxyStudy(options.store, studyId);
    const total = state.candidateIds.length * (1 + state.training.proxySeeds.length);
    const done = state.fullTrains.size + state.reruns.size;
    if (done !== reported) {
      reported = done;
      options.onResult?.(`${state.fullTrains.size} full training(s), ${state.reruns.size} proxy re-run(s)`, done, total);
    }
    const pending = pendingWork(state);
    if (pending.fullTrain.length + pending.reruns.length === 0) return state;
    const jobs = [...pending.fullTrain.map((id) => jobIdFor.proxyStudy(studyId, id, 'full-train', 0)),
      ...pending.reruns.map((r) => jobIdFor.proxyStudy(studyId, r.candidateId, 'proxy', r.seed))];
    for (const jobId of jobs) {
      const failures = (await options.store.readStream(streamIds.job(jobId))).filter((e) => e.type === 'JobFailed');
      if (failures.length >= MAX_JOB_FAILURES) {
        const reason = (failures[failures.length - 1]!.data as { reason?: string }).reason ?? 'unknown';
        throw new LedgerError('UNAVAILABLE', `study ${studyId}: job ${jobId} failed ${failures.length} times: ${reason}`,
          `Fix the cause, then ${jobResumeHint('study proxy', studyId, options.storeUrl, options.busUrl)} (the results recorded so far are kept).`, { studyId, jobId });
      }
    }
    if (Date.now() > deadline) {
      throw new LedgerError('TIMEOUT', `study ${studyId}: ${total - done} training(s) still missing`, `Check that an agent serves the bus, then ${jobResumeHint('study proxy', studyId, options.storeUrl, options.busUrl)}.`);
    }
    await sleep(250);
  }
}
