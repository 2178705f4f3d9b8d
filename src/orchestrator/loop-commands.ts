import type { CommandBus } from '@nestjs/cqrs';
import { LedgerError } from '../../domain/shared/ledger-error';
import type { CommandMetaInput, LedgerCommand } from '../experiments/shared/ledger-command';
import type { ExperimentCommand } from '../../domain/experiment/experiment.commands';
import { SeedCorpusCommand } from '../experiments/seed-corpus/seed-corpus.command';
import { StartCycleCommand } from '../experiments/start-cycle/start-cycle.command';
import { RequestFineTuneCommand } from '../experiments/request-fine-tune/request-fine-tune.command';
import { SkipFineTuneCommand } from '../experiments/skip-fine-tune/skip-fine-tune.command';
import { CompleteCycleCommand } from '../experiments/complete-cycle/complete-cycle.command';
import { CompleteExperimentCommand } from '../experiments/complete-experiment/complete-experiment.command';
import { FailExperimentCommand } from '../experiments/fail-experiment/fail-experiment.command';
import type { CommandContext, CommandOutcome } from './ledger-commands';

/** How the orchestrator writes: a command to its handler, answered with what became of it. */
export interface LoopCommands {
  execute(command: LedgerCommand<unknown>): Promise<CommandOutcome>;
}

/** The orchestrator's metadata: one append attempt, so a concurrent writer surfaces as 'conflict'. */
export function loopMeta(ctx: CommandContext): CommandMetaInput {
  return { commandId: ctx.commandId, correlationId: ctx.correlationId, causationId: ctx.causationId, actor: ctx.actor, maxAttempts: 1 };
}

/**
 * The orchestrator's commands go through Nest's CommandBus to the @nestjs/cqrs handlers of src/experiments (the
 * write side the HTTP API uses too: DTO validation, decider, append). A concurrent writer comes back as
 * 'conflict' and the orchestrator re-plans from the ledger; decider refusals are rethrown.
 */
export function loopCommandsOn(bus: CommandBus): LoopCommands {
  return {
    async execute(command) {
      try {
        const result = await bus.execute(command);
        return result.outcome === 'written' ? 'written' : 'already-recorded';
      } catch (error) {
        if (error instanceof LedgerError && error.code === 'CONFLICT') return 'conflict';
        throw error;
      }
    },
  };
}

/** The experiment commands the orchestrator issues (registration is `run`'s, the fine-tune result an agent's). */
export type OrchestratorExperimentCommand = Exclude<ExperimentCommand, { type: 'RegisterExperiment' | 'RecordFineTuned' }>;

/** A domain command as the Nest command its handler answers. */
export function nestCommandOf(command: OrchestratorExperimentCommand, meta: CommandMetaInput): LedgerCommand<unknown> {
  switch (command.type) {
    case 'SeedCorpus': return new SeedCorpusCommand({ ...command.data, entries: [...command.data.entries] }, meta);
    case 'StartCycle': return new StartCycleCommand(command.data, meta);
    case 'RequestFineTune': return new RequestFineTuneCommand(command.data, meta);
    case 'SkipFineTune': return new SkipFineTuneCommand(command.data, meta);
    case 'CompleteCycle': return new CompleteCycleCommand(command.data, meta);
    case 'CompleteExperiment': return new CompleteExperimentCommand(command.data, meta);
    case 'FailExperiment': return new FailExperimentCommand(command.data, meta);
    default: {
      const never: never = command;
      throw new LedgerError('INTERNAL', `the orchestrator has no handler for ${JSON.stringify(never)}`);
    }
  }
}
