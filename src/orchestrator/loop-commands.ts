import type { CommandBus } from '@nestjs/cqrs';
import { LedgerError } from '../../domain/shared/ledger-error';
import { ONE_ATTEMPT, type CommandMetadata, type CommandOutcome } from '../ledger/handle-command';
import type { LedgerCommand } from '../experiments/shared/ledger-command';
import type { ExperimentCommand } from '../../domain/experiment/experiment.commands';
import { SeedCorpusCommand } from '../experiments/seed-corpus/seed-corpus.command';
import { StartCycleCommand } from '../experiments/start-cycle/start-cycle.command';
import { RequestFineTuneCommand } from '../experiments/request-fine-tune/request-fine-tune.command';
import { SkipFineTuneCommand } from '../experiments/skip-fine-tune/skip-fine-tune.command';
import { CompleteCycleCommand } from '../experiments/complete-cycle/complete-cycle.command';
import { CompleteExperimentCommand } from '../experiments/complete-experiment/complete-experiment.command';
import { FailExperimentCommand } from '../experiments/fail-experiment/fail-experiment.command';

/** How the orchestrator writes: a command to its handler, answered with what became of it. */
export interface LoopCommands {
  execute(command: LedgerCommand<unknown>): Promise<CommandOutcome>;
}

/**
 * The orchestrator's commands go through Nest's CommandBus to the @nestjs/cqrs handlers of src/experiments (the
 * write side the HTTP API uses too: DTO validation, decider, append). They carry ONE_ATTEMPT, so a concurrent
 * writer comes back as 'conflict' and the orchestrator re-plans from the ledger; decider refusals are rethrown.
 */
export function loopCommandsOn(bus: CommandBus): LoopCommands {
  return {
    async execute(command) {
      const result = await bus.execute(command);
      return result.outcome;
    },
  };
}

/** The experiment commands the orchestrator issues (registration is `run`'s, the fine-tune result an agent's). */
export type OrchestratorExperimentCommand = Exclude<ExperimentCommand, { type: 'RegisterExperiment' | 'RecordFineTuned' }>;

/** A domain command as the Nest command its handler answers, with the loop's one append attempt. */
export function nestCommandOf(command: OrchestratorExperimentCommand, meta: CommandMetadata): LedgerCommand<unknown> {
  switch (command.type) {
    case 'SeedCorpus': return new SeedCorpusCommand({ ...command.data, entries: [...command.data.entries] }, meta, ONE_ATTEMPT);
    case 'StartCycle': return new StartCycleCommand(command.data, meta, ONE_ATTEMPT);
    case 'RequestFineTune': return new RequestFineTuneCommand(command.data, meta, ONE_ATTEMPT);
    case 'SkipFineTune': return new SkipFineTuneCommand(command.data, meta, ONE_ATTEMPT);
    case 'CompleteCycle': return new CompleteCycleCommand(command.data, meta, ONE_ATTEMPT);
    case 'CompleteExperiment': return new CompleteExperimentCommand(command.data, meta, ONE_ATTEMPT);
    case 'FailExperiment': return new FailExperimentCommand(command.data, meta, ONE_ATTEMPT);
    default: {
      const never: never = command;
      throw new LedgerError('INTERNAL', `the orchestrator has no handler for ${JSON.stringify(never)}`);
    }
  }
}
