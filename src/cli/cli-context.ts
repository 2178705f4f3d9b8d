import type { Command } from 'commander';
import { LedgerError } from '../../domain/shared/ledger-error';

/** Each CLI command module exports `register(program)`; src/cli/commands/index.ts lists them. */
export type RegisterCommand = (program: Command) => void;

/** Data goes to stdout; logs and progress go to stderr. */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function printLine(line = ''): void {
  process.stdout.write(line + '\n');
}

export function log(line: string): void {
  process.stderr.write(line + '\n');
}

/** Parses an integer option, refusing anything else with a message naming the flag. */
export function intOption(flag: string, min = 0): (value: string) => number {
  return (value: string) => {
    if (!/^-?\d+$/.test(value)) throw new LedgerError('BAD_INPUT', `${flag} expects an integer, got "${value}"`);
    const n = Number(value);
    if (n < min) throw new LedgerError('BAD_INPUT', `${flag} must be at least ${min}, got ${n}`);
    return n;
  };
}

export function floatOption(flag: string): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) throw new LedgerError('BAD_INPUT', `${flag} expects a number, got "${value}"`);
    return n;
  };
}

/** Wraps an action so that every failure becomes a LedgerError with its exit status. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    await fn(...args);
  };
}
