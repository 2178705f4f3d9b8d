import type { Command } from 'commander';
import { LedgerError } from '../../domain/shared/ledger-error';
import { STORE_ENV } from '../ledger/open-event-store';
import { checkWritablePath } from '../shared/writable-file';

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

/** --store, else $NAS_LEDGER_STORE, else undefined (the caller's default): the order every command follows. */
export function storeFromFlagOrEnv(flag: string | undefined): string | undefined {
  return flag ?? (process.env[STORE_ENV] || undefined);
}

export { shownStore } from '../ledger/shown-store';

/**
 * Refuses an output file that cannot be written (missing or unwritable directory, a directory in its place),
 * before any work starts: a run must not be recorded only to fail on its --plot at the end.
 */
export function checkWritableFile(flag: '--plot', path: string): void {
  // The wording is pinned by the plot specs: the same message whether the path is refused early or at write time.
  const problem = (why: string) => new LedgerError('BAD_INPUT', `cannot write the plot to ${path}: ${why}`, `Pass ${flag} a writable file path, e.g. ${flag} out.svg.`, { path });
  checkWritablePath(path, problem);
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

/** Resolves at the first SIGINT or SIGTERM: long-running commands (serve, agent) then stop cleanly. */
export function untilStopSignal(): Promise<void> {
  return new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}
