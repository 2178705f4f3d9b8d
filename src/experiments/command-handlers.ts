import { Inject, type Type } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { ClassConstructor } from 'class-transformer';
import { admissionRulesOf, candidateDecider } from '../../domain/candidate/candidate.decider';
import type { CandidateCommand } from '../../domain/candidate/candidate.commands';
import type { ExperimentConfig } from '../../domain/experiment/config';
import type { ExperimentCommand } from '../../domain/experiment/experiment.commands';
import { experimentDecider } from '../../domain/experiment/experiment.decider';
import { streamIds } from '../../domain/experiment/events';
import type { Decider } from '../../domain/shared/decider';
import { EVENT_STORE, type EventStore } from '../ledger/event-store.port';
import { handleCommand } from '../ledger/handle-command';
import { CLOCK, type Clock } from './shared/clock';
import { CommandMetaDto } from './shared/common.dto';
import { loadAcceptingExperiment } from './shared/experiment-gate';
import type { LedgerCommand, LedgerCommandResult } from './shared/ledger-command';
import { validateDto } from './shared/validate-dto';
import { CompleteCycleCommand } from './complete-cycle/complete-cycle.command';
import { CompleteCycleDto } from './complete-cycle/complete-cycle.dto';
import { CompleteExperimentCommand } from './complete-experiment/complete-experiment.command';
import { CompleteExperimentDto } from './complete-experiment/complete-experiment.dto';
import { DecideAdmissionCommand } from './decide-admission/decide-admission.command';
import { DecideAdmissionDto } from './decide-admission/decide-admission.dto';
import { FailExperimentCommand } from './fail-experiment/fail-experiment.command';
import { FailExperimentDto } from './fail-experiment/fail-experiment.dto';
import { RecordEvaluationCommand } from './record-evaluation/record-evaluation.command';
import { RecordEvaluationDto } from './record-evaluation/record-evaluation.dto';
import { RecordFineTunedCommand } from './record-fine-tuned/record-fine-tuned.command';
import { RecordFineTunedDto } from './record-fine-tuned/record-fine-tuned.dto';
import { RecordGeneratedCommand } from './record-generated/record-generated.command';
import { RecordGeneratedDto } from './record-generated/record-generated.dto';
import { RecordNoveltyCommand } from './record-novelty/record-novelty.command';
import { RecordNoveltyDto } from './record-novelty/record-novelty.dto';
import { RecordRejectionCommand } from './record-rejection/record-rejection.command';
import { RecordRejectionDto } from './record-rejection/record-rejection.dto';
import { RegisterExperimentCommand } from './register-experiment/register-experiment.command';
import { RegisterExperimentDto } from './register-experiment/register-experiment.dto';
import { RequestFineTuneCommand } from './request-fine-tune/request-fine-tune.command';
import { RequestFineTuneDto } from './request-fine-tune/request-fine-tune.dto';
import { SeedCorpusCommand } from './seed-corpus/seed-corpus.command';
import { SeedCorpusDto } from './seed-corpus/seed-corpus.dto';
import { SkipFineTuneCommand } from './skip-fine-tune/skip-fine-tune.command';
import { SkipFineTuneDto } from './skip-fine-tune/skip-fine-tune.dto';
import { StartCycleCommand } from './start-cycle/start-cycle.command';
import { StartCycleDto } from './start-cycle/start-cycle.dto';

type AcceptingExperiment = Awaited<ReturnType<typeof loadAcceptingExperiment>>;

/** How one Nest command becomes a decision on one stream: its DTO, its stream and decider, the domain command. */
interface CommandRoute {
  readonly command: Type<LedgerCommand<unknown>>;
  handle(store: EventStore, clock: Clock, command: LedgerCommand<unknown>): Promise<LedgerCommandResult>;
}

/** The tail every route shares: validated metadata, handleCommand, and a result without decider state. */
async function decideOn<C, E extends { readonly type: string; readonly data: unknown }, S>(
  store: EventStore, clock: Clock, streamId: string, decider: Decider<C, E, S>, domainCommand: C, command: LedgerCommand<unknown>,
): Promise<LedgerCommandResult> {
  const { now, ...who } = command.meta;
  const checked = validateDto(CommandMetaDto, who, 'command metadata');
  const { state: _state, attempts: _attempts, ...result } = await handleCommand(store, streamId, decider, domainCommand,
    { ...checked, now: now ?? (() => clock.now()) }, command.options);
  return result;
}

/** A command on the experiment's own stream: the experiment decider holds every rule. */
function onExperiment<Dto extends { readonly experimentId: string }>(
  command: Type<LedgerCommand<Dto>>, dto: ClassConstructor<Dto>, toDomain: (dto: Dto) => ExperimentCommand,
): CommandRoute {
  return {
    command,
    async handle(store, clock, ledgerCommand) {
      const checked = validateDto(dto, ledgerCommand.payload);
      return decideOn(store, clock, streamIds.experiment(checked.experimentId), experimentDecider, toDomain(checked), ledgerCommand);
    },
  };
}

/**
 * A command on a candidate's stream, after the experiment gate (loadAcceptingExperiment): nothing is recorded for
 * an unknown or finished experiment, and with `runningCycle` a new candidate only into the running cycle.
 */
function onCandidate<Dto extends { readonly experimentId: string; readonly candidateId: string; readonly cycle?: number }>(
  command: Type<LedgerCommand<Dto>>, dto: ClassConstructor<Dto>, gate: 'experiment' | 'runningCycle',
  toDomain: (dto: Dto, experiment: AcceptingExperiment) => CandidateCommand,
): CommandRoute {
  return {
    command,
    async handle(store, clock, ledgerCommand) {
      const checked = validateDto(dto, ledgerCommand.payload);
      const experiment = await loadAcceptingExperiment(store, checked.experimentId, gate === 'runningCycle' ? checked.cycle : undefined);
      return decideOn(store, clock, streamIds.candidate(checked.candidateId), candidateDecider, toDomain(checked, experiment), ledgerCommand);
    },
  };
}

/** Every command of the write side, by Nest command: the one place that says which stream and decider answer it. */
export const COMMAND_ROUTES: readonly CommandRoute[] = [
  onExperiment(RegisterExperimentCommand, RegisterExperimentDto, (dto) => {
    const config = dto.config as ExperimentConfig;
    return { type: 'RegisterExperiment', data: { experimentId: dto.experimentId, name: dto.name ?? config.name, config, group: dto.group ?? null } };
  }),
  onExperiment(SeedCorpusCommand, SeedCorpusDto, (dto) => ({ type: 'SeedCorpus', data: { experimentId: dto.experimentId, entries: dto.entries, source: dto.source } })),
  onExperiment(StartCycleCommand, StartCycleDto, (dto) => ({
    type: 'StartCycle',
    data: {
      experimentId: dto.experimentId, cycle: dto.cycle, candidatesPlanned: dto.candidatesPlanned, ...(dto.generator ? { generator: dto.generator } : {}),
    },
  })),
  onExperiment(RequestFineTuneCommand, RequestFineTuneDto, (dto) => ({
    type: 'RequestFineTune', data: { experimentId: dto.experimentId, cycle: dto.cycle, corpusVersion: dto.corpusVersion, corpusHash: dto.corpusHash },
  })),
  onExperiment(RecordFineTunedCommand, RecordFineTunedDto, (dto) => ({
    type: 'RecordFineTuned',
    data: { experimentId: dto.experimentId, cycle: dto.cycle, to: dto.to, adapterHash: dto.adapterHash, loss: dto.loss, durationMs: dto.durationMs },
  })),
  onExperiment(SkipFineTuneCommand, SkipFineTuneDto, (dto) => ({ type: 'SkipFineTune', data: { experimentId: dto.experimentId, cycle: dto.cycle } })),
  onExperiment(CompleteCycleCommand, CompleteCycleDto, (dto) => ({
    type: 'CompleteCycle', data: { experimentId: dto.experimentId, cycle: dto.cycle, candidates: dto.candidates },
  })),
  onExperiment(CompleteExperimentCommand, CompleteExperimentDto, (dto) => ({ type: 'CompleteExperiment', data: { experimentId: dto.experimentId } })),
  onExperiment(FailExperimentCommand, FailExperimentDto, (dto) => ({ type: 'FailExperiment', data: { experimentId: dto.experimentId, reason: dto.reason } })),
  onCandidate(RecordGeneratedCommand, RecordGeneratedDto, 'runningCycle', (dto) => ({ type: 'RecordGenerated', data: dto })),
  onCandidate(RecordRejectionCommand, RecordRejectionDto, 'experiment', (dto) => ({ type: 'RecordRejection', data: dto })),
  onCandidate(RecordEvaluationCommand, RecordEvaluationDto, 'experiment', (dto) => ({ type: 'RecordEvaluation', data: dto })),
  onCandidate(RecordNoveltyCommand, RecordNoveltyDto, 'experiment', (dto) => ({ type: 'RecordNovelty', data: dto })),
  // The rules are the experiment's registered config, never the caller's say-so.
  onCandidate(DecideAdmissionCommand, DecideAdmissionDto, 'experiment', (dto, experiment) => ({
    type: 'DecideAdmission', data: { experimentId: dto.experimentId, candidateId: dto.candidateId, rules: admissionRulesOf(experiment.config) },
  })),
];

/** The @nestjs/cqrs handler of one route, a provider of its own (the CommandBus binds one handler per command). */
function handlerFor(route: CommandRoute): Type<ICommandHandler<LedgerCommand<unknown>, LedgerCommandResult>> {
  @CommandHandler(route.command)
  class LedgerCommandHandler implements ICommandHandler<LedgerCommand<unknown>, LedgerCommandResult> {
    constructor(@Inject(EVENT_STORE) private readonly store: EventStore, @Inject(CLOCK) private readonly clock: Clock) {}

    execute(command: LedgerCommand<unknown>): Promise<LedgerCommandResult> {
      return route.handle(this.store, this.clock, command);
    }
  }
  Object.defineProperty(LedgerCommandHandler, 'name', { value: route.command.name.replace(/Command$/, 'Handler') });
  return LedgerCommandHandler;
}

export const commandHandlers = COMMAND_ROUTES.map(handlerFor);
