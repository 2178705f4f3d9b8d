import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { LedgerError } from '../../domain/shared/ledger-error';
import { COMMANDS } from './commands';

export function buildProgram(): Command {
  const program = new Command('nas-ledger')
    .description('An event-sourced experiment ledger for LLM-driven neural architecture search.\n' +
      'Exit status: 0 ok, 2 bad input, 3 not found, 4 conflict, 5 refused by a domain rule, 6 integrity failure,\n' +
      '7 too large, 8 store locked, 9 unavailable, 10 timeout, 11 unsupported, 130 interrupted, 1 internal error.')
    .version(packageVersion())
    .enablePositionalOptions() // lets subcommands own flags such as `generate --version V`
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const register of COMMANDS) register(program);
  return program;
}

/** The version in the package.json beside dist/ (read at run time, as the built CLI is run from dist/src/cli). */
function packageVersion(): string {
  return (JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as { version: string }).version;
}

/** Runs the CLI and resolves to the exit status; never calls process.exit itself. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0) return 0;
      return 2; // commander already printed the message to stderr
    }
    const failure = LedgerError.from(error);
    const wantsJson = argv.includes('--json');
    if (wantsJson) process.stderr.write(JSON.stringify({ error: failure.toJSON() }) + '\n');
    process.stderr.write(`nas-ledger: ${failure.code}: ${failure.message}\n`);
    if (failure.hint) process.stderr.write(`  hint: ${failure.hint}\n`);
    if (failure.code === 'INTERNAL' && process.env.NAS_LEDGER_DEBUG) process.stderr.write(String((failure as { cause?: unknown }).cause) + '\n');
    return failure.exitStatus;
  }
}
