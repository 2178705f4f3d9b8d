import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '../../domain/shared/event-envelope';
import { LedgerError } from '../../domain/shared/ledger-error';
import type { CorpusEntry, GeneratorRef } from '../../domain/experiment/events';
import { streamIds } from '../../domain/experiment/events';
import { corpusHashOf } from '../../domain/experiment/corpus';
import { candidateDecider, admissionRulesOf } from '../../domain/candidate/candidate.decider';
import type { CandidateCommand } from '../../domain/candidate/candidate.commands';
import type { EventStore, Subscription } from '../ledger/event-store.port';
import type { AgentBus } from '../bus/agent-bus.port';
import { AGENT_JOB_PROTOCOL_VERSION, jobIdFor, type AgentJob } from '../bus/agent-job';
import { handleCommand, ONE_ATTEMPT, type CommandMetadata, type CommandOutcome } from '../ledger/handle-command';
import {
  applyEvent, corpusOf, currentCycle, emptyView, isTerminal, structuralDuplicateIn, type CandidateView, type CycleView, type LoopView,
} from './loop-view';
import { NoveltyEngine } from './novelty-engine';
import { drawPlan, rejectionLoopOf } from './draw-plan';
import { nestCommandOf, type LoopCommands, type OrchestratorExperimentCommand } from './loop-commands';
import { RecordRejectionCommand } from '../experiments/record-rejection/record-rejection.command';
import { LexError } from '../../domain/novelty/python-lexer';

/** Where the seed corpus comes from (the generator family decides: LEMUR-style files, simulated genomes). */
export type SeedCorpusSource = (experimentId: string, config: NonNullable<LoopView['config']>) => Promise<{ entries: CorpusEntry[]; source: string }>;

export interface OrchestratorOptions {
  readonly experimentId: string;
  readonly seedCorpus: SeedCorpusSource;
  /** The generator cycle 1 starts from. */
  readonly initialGenerator: (config: NonNullable<LoopView['config']>) => GeneratorRef | Promise<GeneratorRef>;
  /** A claimed job whose lease has run out is published again (its agent died). */
  readonly leaseCheckMs?: number;
  /** Infrastructure failures (JobFailed) after which an evaluation is recorded as a rejection, a generate/fine-tune fails the experiment. */
  readonly maxJobFailures?: number;
  readonly now?: () => Date;
  readonly pollIntervalMs?: number;
  /** Called after every event this experiment's view took in (progress display). */
  readonly onEvent?: (event: RecordedEvent, view: LoopView) => void;
  readonly log?: (line: string) => void;
}

/**
 * The loop's process manager. It reacts to the ledger (catch-up read, then the store subscription), keeps
 * a view folded from it and nothing else, and after every change re-plans: what the ledger says is pending
 * is done, by sending commands to their @nestjs/cqrs handlers (deterministic ids, expected versions) or
 * publishing jobs (deterministic ids; agents claim them in the ledger). A restarted orchestrator therefore re-derives exactly the pending
 * work; re-published jobs whose results exist are skipped by the agents.
 */
export class LoopOrchestrator {
  readonly view: LoopView;
  readonly done: Promise<LoopView>;
  private resolveDone!: (view: LoopView) => void;
  private rejectDone!: (error: unknown) => void;
  private subscription: Subscription | null = null;
  private readonly published = new Set<string>();
  private running = false;
  private dirty = false;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private novelty: NoveltyEngine | null = null;
  private readonly now: () => Date;
  private readonly log: (line: string) => void;
  private readonly instance = randomUUID().slice(0, 8);

  constructor(
    private readonly store: EventStore, private readonly bus: AgentBus, private readonly commands: LoopCommands,
    private readonly options: OrchestratorOptions,
  ) {
    this.view = emptyView(options.experimentId);
    this.now = options.now ?? (() => new Date());
    this.log = options.log ?? (() => undefined);
    this.done = new Promise((resolve, reject) => { this.resolveDone = resolve; this.rejectDone = reject; });
    this.done.catch(() => undefined);
  }

  async start(): Promise<void> {
    const head = await this.store.head();
    let after = 0;
    while (after < head) {
      const page = await this.store.readAll({ after, upTo: head, limit: 2000 });
      if (page.length === 0) break;
      for (const event of page) this.take(event);
      after = page[page.length - 1]!.globalPosition;
    }
    if (!this.view.registeredEventId) {
      throw new LedgerError('NOT_FOUND', `experiment ${this.options.experimentId} is not in the ledger`, 'List experiments with `nas-ledger stats`, or start one with `nas-ledger run`.');
    }
    this.subscription = this.store.subscribe(`orchestrator:${this.options.experimentId}`, async (event) => {
      if (this.take(event)) this.schedule();
    }, { pollIntervalMs: this.options.pollIntervalMs ?? 50 });
    const leaseCheckMs = this.options.leaseCheckMs ?? 1000;
    this.timer = setInterval(() => this.schedule(), leaseCheckMs);
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.subscription?.stop();
    while (this.running) await new Promise((r) => setTimeout(r, 10));
  }

  /** Folds in whatever the log holds past the view; returns how many of this experiment's events that was. */
  private async catchUp(): Promise<number> {
    let taken = 0;
    for (;;) {
      const page = await this.store.readAll({ after: this.view.lastPosition, limit: 1000 });
      if (page.length === 0) return taken;
      for (const event of page) if (this.take(event)) taken++;
    }
  }

  private take(event: RecordedEvent): boolean {
    const changed = applyEvent(this.view, event);
    // The novelty index folds the same events as the view (this experiment's, each once, in log order).
    if (changed) this.noveltyOf()?.take(event);
    if (changed) this.options.onEvent?.(event, this.view);
    return changed;
  }

  /** Serialises planning: one pass at a time, and one more if anything changed meanwhile. */
  private schedule(): void {
    if (this.stopped) return;
    if (this.running) { this.dirty = true; return; }
    this.running = true;
    void (async () => {
      try {
        do {
          this.dirty = false;
          await this.step();
          // Read our own writes back at once instead of waiting for the subscription's next poll.
          if (await this.catchUp() > 0) this.dirty = true;
        } while (this.dirty && !this.stopped);
      } catch (error) {
        this.log(`orchestrator: ${error instanceof Error ? error.message : String(error)}`);
        if (error instanceof LedgerError && error.code !== 'CONFLICT' && error.code !== 'UNAVAILABLE') this.rejectDone(error);
      } finally {
        this.running = false;
      }
    })();
  }

  /** The experiment's novelty index; null until the registration (and with it the novelty parameters) is known. */
  private noveltyOf(): NoveltyEngine | null {
    if (!this.novelty && this.view.config) this.novelty = new NoveltyEngine(this.view.config.novelty);
    return this.novelty;
  }

  /** The loop's metadata; what goes through the CommandBus takes recordedAt from the application's clock. */
  private meta(commandId: string, causationId: string | null): CommandMetadata {
    return { commandId, correlationId: this.view.experimentId, causationId, actor: `orchestrator/${this.instance}` };
  }

  private async experimentCommand(command: OrchestratorExperimentCommand, commandId: string, causationId: string | null): Promise<CommandOutcome> {
    const outcome = await this.commands.execute(nestCommandOf(command, this.meta(commandId, causationId)));
    if (outcome === 'conflict') this.dirty = true;
    return outcome;
  }

  /** One planning pass over the view. Every action is idempotent; the subscription brings its effects back. */
  private async step(): Promise<void> {
    const view = this.view;
    const id = view.experimentId;
    const config = view.config;
    if (!config) return;
    if (view.completed) { this.resolveDone(view); return; }
    if (view.failed !== null) {
      this.rejectDone(new LedgerError('REFUSED', `experiment ${id} failed: ${view.failed}`, 'Inspect it with `nas-ledger events export`.'));
      return;
    }
    if (view.seedEntries === null) {
      const seed = await this.options.seedCorpus(id, config);
      await this.experimentCommand({ type: 'SeedCorpus', data: { experimentId: id, entries: seed.entries, source: seed.source } }, `SeedCorpus:${id}`, view.registeredEventId);
      return;
    }
    const cycle = currentCycle(view);
    if (!cycle) {
      await this.experimentCommand({ type: 'StartCycle', data: { experimentId: id, cycle: 1, generator: await this.options.initialGenerator(config), candidatesPlanned: config.candidatesPerCycle } },
        `StartCycle:${id}:1`, view.registeredEventId);
      return;
    }
    if (cycle.completed) {
      if (cycle.cycle >= config.cycles) {
        await this.experimentCommand({ type: 'CompleteExperiment', data: { experimentId: id } }, `CompleteExperiment:${id}`, cycle.startedEventId);
      } else {
        await this.experimentCommand({ type: 'StartCycle', data: { experimentId: id, cycle: cycle.cycle + 1, candidatesPlanned: config.candidatesPerCycle } },
          `StartCycle:${id}:${cycle.cycle + 1}`, cycle.startedEventId);
      }
      return;
    }
    switch (cycle.fineTune) {
      case 'none': await this.driveCandidates(cycle); return;
      case 'requested': await this.publishFineTune(cycle); return;
      case 'done':
      case 'skipped': {
        const generated = cycle.candidates.filter(Boolean).length;
        const admitted = cycle.candidates.filter((c) => c?.decision === 'admitted').length;
        await this.experimentCommand({ type: 'CompleteCycle', data: { experimentId: id, cycle: cycle.cycle, candidates: { generated, terminal: generated, admitted } } },
          `CompleteCycle:${id}:${cycle.cycle}`, cycle.startedEventId);
        return;
      }
      default: {
        const never: never = cycle.fineTune;
        throw new Error(`unknown fine-tune phase ${String(never)}`);
      }
    }
  }

  private async driveCandidates(cycle: CycleView): Promise<void> {
    const view = this.view;
    const config = view.config!;
    const generated = cycle.candidates.filter(Boolean).length;
    // The planned draws, plus one re-draw per near-duplicate while the rejection loop is on (draw-plan.ts).
    const plan = drawPlan(cycle.planned, cycle.candidates, rejectionLoopOf(config));
    if (generated < plan.target) {
      // Re-draws go out one at a time, each its own job (the index in its id), after every earlier draw is recorded,
      // so two jobs never write the same index and a restart re-derives the same ids.
      const redraw = generated >= cycle.planned;
      const jobId = redraw ? `${jobIdFor.generate(view.experimentId, cycle.cycle)}:redraw-${generated}` : jobIdFor.generate(view.experimentId, cycle.cycle);
      if (this.jobFailedTooOften(jobId)) {
        await this.experimentCommand({ type: 'FailExperiment', data: { experimentId: view.experimentId, reason: `generation of cycle ${cycle.cycle} failed ${this.view.jobs.get(jobId)!.failures} times` } },
          `FailExperiment:${view.experimentId}:${jobId}`, cycle.startedEventId);
        return;
      }
      await this.publishOnce({
        protocolVersion: AGENT_JOB_PROTOCOL_VERSION, kind: 'generate', jobId, experimentId: view.experimentId, cycle: cycle.cycle,
        correlationId: view.experimentId, causationId: cycle.startedEventId, count: redraw ? generated + 1 : cycle.planned,
        seed: config.seed * 1000 + cycle.cycle, generatorSpec: config.generator, generator: cycle.generator, delta: config.delta,
        dataset: config.dataset, parameterBudget: config.parameterBudget,
      });
    }
    for (const candidate of cycle.candidates) {
      if (!candidate || candidate.status !== 'generated') continue;
      if (await this.rejectUnlexable(candidate)) continue;
      const jobId = jobIdFor.evaluate(candidate.candidateId);
      if (this.jobFailedTooOften(jobId)) {
        const failures = this.view.jobs.get(jobId)!.failures;
        await this.commands.execute(new RecordRejectionCommand(
          { experimentId: view.experimentId, cycle: cycle.cycle, candidateId: candidate.candidateId, stage: 'sandbox', reason: `the agents failed to evaluate it ${failures} times`, params: null, device: null },
          this.meta(`GiveUpEvaluation:${candidate.candidateId}`, null), ONE_ATTEMPT));
        continue;
      }
      await this.publishOnce({
        protocolVersion: AGENT_JOB_PROTOCOL_VERSION, kind: 'evaluate', jobId, experimentId: view.experimentId, cycle: cycle.cycle,
        correlationId: view.experimentId, causationId: cycle.startedEventId, candidateId: candidate.candidateId, codeHash: candidate.codeHash,
        dataset: config.dataset, subset: config.subset, protocol: config.protocol, seed: config.seed, parameterBudget: config.parameterBudget,
        flopsBudget: config.flopsBudget ?? null, device: config.device,
      });
    }
    await this.judgeInOrder(cycle, plan.target);
    const all = cycle.candidates.filter(Boolean);
    // Every draw decided: the plan cannot grow any more (it grows only on verdicts).
    if (all.length === plan.target && all.every((c) => isTerminal(c))) {
      if (plan.exhausted > 0) this.log(`orchestrator: cycle ${cycle.cycle}: ${plan.exhausted} slot(s) still near-duplicates after ${config.maxRedraws} re-draws`);
      await this.requestFineTune(cycle);
    }
  }

  /**
   * Source that the novelty lexer cannot tokenize (LexError) is recorded as a rejection at stage 'parse' before its
   * evaluation is ever published, as docs/novelty.md ("bad source") prescribes: it is never signed as an empty
   * program. The runner's own parse stage (Python's ast.parse) normally rejects such source first; this catches
   * what it lets through. Returns true when the candidate is (being) rejected and must not be evaluated.
   */
  private async rejectUnlexable(candidate: CandidateView): Promise<boolean> {
    const signature = this.noveltyOf()!.signatureOf(candidate.candidateId, candidate.code);
    if (!(signature instanceof LexError)) return false;
    const view = this.view;
    try {
      const outcome = await this.commands.execute(new RecordRejectionCommand(
        { experimentId: view.experimentId, cycle: candidate.cycle, candidateId: candidate.candidateId, stage: 'parse', reason: signature.message, params: null, device: null },
        this.meta(`RejectUnlexable:${candidate.candidateId}`, null), ONE_ATTEMPT));
      if (outcome === 'conflict') this.dirty = true;
    } catch (error) {
      // Refused: the ledger already holds its result (a runner was faster, the view lags); re-plan from the ledger.
      if (!(error instanceof LedgerError && error.code === 'REFUSED')) throw error;
      this.dirty = true;
    }
    return true;
  }

  /**
   * Novelty, then admission, strictly in generation order: candidate i is judged only once every earlier
   * candidate of the cycle is generated and decided, so J_gen (over the cycle's earlier candidates) and the
   * running rejection count mean what the paper means, whatever order the evaluations finish in.
   */
  private async judgeInOrder(cycle: CycleView, draws: number): Promise<void> {
    const view = this.view;
    const config = view.config!;
    const novelty = this.noveltyOf()!;
    for (let index = 0; index < draws; index++) {
      const candidate = cycle.candidates[index];
      if (!candidate) return;
      if (candidate.status === 'rejected') {
        // Still a candidate generated earlier in the cycle: J_gen of the ones after it is taken over it too.
        novelty.noteRejected(candidate.candidateId, cycle.cycle, candidate.code);
        continue;
      }
      if (candidate.decision !== null) continue;
      if (candidate.status !== 'evaluated') return;
      const meta: CommandMetadata = { ...this.meta(`Judge:${candidate.candidateId}`, cycle.startedEventId), now: this.now };
      const stream = streamIds.candidate(candidate.candidateId);
      // Already judged (the view lags): the subscription will bring it. Checked before `assess` touches the index.
      if ((await this.store.readStream(stream)).some((e) => e.metadata.commandId === meta.commandId)) return;
      const signature = novelty.signatureOf(candidate.candidateId, candidate.code);
      if (signature instanceof LexError) {
        // Cannot arise for evaluations this orchestrator published: rejectUnlexable records unlexable source as a
        // 'parse' rejection before its evaluate job goes out, and lexing is deterministic. It can only come from an
        // evaluation published by an older version of the loop. The decider refuses a rejection after an evaluation,
        // and signing the source as an empty program would silently call it novel, so the loop stops here instead.
        throw new LedgerError('INTEGRITY', `candidate ${candidate.candidateId} was evaluated but its source cannot be tokenized for the novelty check: ${signature.message}`,
          'Its evaluation predates the parse-stage lexer check; inspect it with `nas-ledger events export` and fail or re-run the experiment.',
          { candidateId: candidate.candidateId, line: signature.line, col: signature.col });
      }
      // J_train over seeds + admitted, J_gen over every candidate generated earlier in this cycle, the running
      // rejection count: all from the experiment's NoveltyIndex, which now holds this candidate as generated.
      const verdict = novelty.assess(candidate.candidateId, cycle.cycle, signature, candidate.structuralFingerprint);
      const structuralDuplicateOf = this.structuralDuplicate(candidate.candidateId, candidate.structuralFingerprint);
      const judge: CandidateCommand[] = [
        {
          type: 'RecordNovelty', data: {
            experimentId: view.experimentId, cycle: cycle.cycle, candidateId: candidate.candidateId, ...verdict,
            structuralFingerprint: candidate.structuralFingerprint, structuralDuplicateOf,
          },
        },
        { type: 'DecideAdmission', data: { experimentId: view.experimentId, candidateId: candidate.candidateId, rules: admissionRulesOf(config) } },
      ];
      // Novelty and the admission decision are one command handling and so one append: a crash cannot leave a
      // verdict without its decision. (Written here, not through the CommandBus's two commands, which are two appends.)
      let outcome: CommandOutcome | null = null;
      try {
        outcome = (await handleCommand(this.store, stream, candidateDecider, judge, meta, ONE_ATTEMPT)).outcome;
        if (outcome === 'conflict') { this.dirty = true; return; }
      } finally {
        // The index took the candidate in; without its NoveltyAssessed event appended by this call that must be undone.
        if (outcome !== 'written') novelty.discardUnrecorded();
      }
      return; // wait for the subscription to bring the decision back before judging the next one
    }
  }

  /** The earlier candidate (this experiment, admitted corpus first) with the same module graph, if any. */
  private structuralDuplicate(candidateId: string, fingerprint: string | null): string | null {
    return structuralDuplicateIn(this.view, candidateId, fingerprint);
  }

  private async requestFineTune(cycle: CycleView): Promise<void> {
    const view = this.view;
    const config = view.config!;
    const id = view.experimentId;
    if (config.ablations.noIteration && cycle.cycle > 1) {
      await this.experimentCommand({ type: 'SkipFineTune', data: { experimentId: id, cycle: cycle.cycle } }, `SkipFineTune:${id}:${cycle.cycle}`, cycle.startedEventId);
      return;
    }
    // The no-iteration ablation fine-tunes once, on the seed corpus only.
    const corpus = config.ablations.noIteration ? [...(view.seedEntries ?? [])] : corpusOf(view);
    await this.experimentCommand({ type: 'RequestFineTune', data: { experimentId: id, cycle: cycle.cycle, corpusVersion: corpus.length, corpusHash: corpusHashOf(corpus.map((e) => e.codeHash)) } },
      `RequestFineTune:${id}:${cycle.cycle}`, cycle.startedEventId);
  }

  private async publishFineTune(cycle: CycleView): Promise<void> {
    const view = this.view;
    const config = view.config!;
    const jobId = jobIdFor.fineTune(view.experimentId, cycle.cycle);
    if (this.jobFailedTooOften(jobId)) {
      await this.experimentCommand({ type: 'FailExperiment', data: { experimentId: view.experimentId, reason: `the fine-tune of cycle ${cycle.cycle} failed ${this.view.jobs.get(jobId)!.failures} times` } },
        `FailExperiment:${view.experimentId}:${jobId}`, cycle.startedEventId);
      return;
    }
    await this.publishOnce({
      protocolVersion: AGENT_JOB_PROTOCOL_VERSION, kind: 'fine-tune', jobId, experimentId: view.experimentId, cycle: cycle.cycle,
      correlationId: view.experimentId, causationId: cycle.startedEventId, generatorSpec: config.generator, from: cycle.generator,
      corpusVersion: cycle.fineTuneRequest!.corpusVersion, corpusHash: cycle.fineTuneRequest!.corpusHash,
    });
  }

  private jobFailedTooOften(jobId: string): boolean {
    return (this.view.jobs.get(jobId)?.failures ?? 0) >= (this.options.maxJobFailures ?? 3);
  }

  /**
   * Publishes a job unless this process already did; publishes it again when its last claim's lease ran out
   * (the claiming agent died) or its last attempt failed. After a restart nothing is marked, so every pending job
   * goes out once more; agents skip those whose results are already in the ledger.
   */
  private async publishOnce(job: AgentJob): Promise<void> {
    const state = this.view.jobs.get(job.jobId);
    if (!this.published.has(job.jobId)) {
      this.published.add(job.jobId);
      await this.bus.publish(job);
      return;
    }
    const stale = state !== undefined && (state.claims > 0 || state.failures > 0) && state.leaseUntil < this.now().getTime();
    if (!stale) return;
    const generation = `${job.jobId}#${state.claims}/${state.failures}`;
    if (this.published.has(generation)) return;
    this.published.add(generation);
    this.log(`orchestrator: job ${job.jobId} is unclaimed after attempt ${state.claims} (lease ran out or it failed); publishing it again`);
    await this.bus.publish(job);
  }

}

