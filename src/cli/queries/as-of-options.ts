import type { Command } from 'commander';
import { intOption } from '../cli-context';
import { asOfFromFlags, describeAsOf, type AsOf } from '../../../projections/shared/as-of';

export interface AsOfCliOptions {
  readonly asOfCycle?: number;
  readonly asOfPosition?: number;
  readonly asOfTime?: string;
  readonly store?: string;
  readonly json?: boolean;
}

/** The as-of flags shared by the query commands; `cycles` is false where a cycle has no single meaning. */
export function addQueryOptions(command: Command, cycles = true): Command {
  if (cycles) command.option('--as-of-cycle <cycle>', 'the state right after that cycle completed', intOption('--as-of-cycle', 1));
  return command
    .option('--as-of-position <position>', 'the state after the event at this global position', intOption('--as-of-position', 0))
    .option('--as-of-time <iso>', 'the state after the last event recorded at or before this ISO-8601 time')
    .option('--store <url>', 'ledger store: postgres://… or a directory (default $NAS_LEDGER_STORE, then ./.nas-ledger)')
    .option('--json', 'print JSON on stdout');
}

export function asOfFromCli(options: AsOfCliOptions): AsOf {
  return asOfFromFlags(options);
}

export function describeResultPoint(result: { asOf: AsOf; position: number; head: number }): string {
  return `as of ${describeAsOf(result.asOf)} (position ${result.position} of ${result.head})`;
}
