import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { LedgerError } from '../../../domain/shared/ledger-error';
import { repoRoot } from '../../shared/repo-root';
import { intOption } from '../cli-context';

/**
 * What the commands that record a long job on its own stream share (review, study proxy): the job's agents, its id,
 * --resume, and the ledger and bus it runs on. The flag names, defaults and help texts are contracts: the helpers only
 * say them once.
 */
export interface ResumableJobFlags {
  agents?: number; id?: string; resume?: string; store?: string; bus: string; json?: boolean;
}

/** How the help and errors name the job. */
export interface ResumableJobNames {
  /** The command as typed after nas-ledger: 'review', 'study proxy'. */
  readonly command: string;
  /** What one job is called (and its id's placeholder): 'review', 'study'. */
  readonly noun: string;
  /** The default id's middle part: <experiment>.<idInfix>-<time>-<random>. */
  readonly idInfix: string;
  /** What --resume runs again. */
  readonly resumes: string;
}

/** --agents, --id and --resume. */
export function addJobOptions(command: Command, names: ResumableJobNames): Command {
  return command
    .option('--agents <n>', 'agents in this process (default 1 on the in-process bus, 0 on Kafka)', intOption('--agents', 0))
    .option(`--id <${names.noun}>`, `the ${names.noun} id (default: <experiment>.${names.idInfix}-<time>-<random>)`)
    .option(`--resume <${names.noun}>`, `carry on with a ${names.noun} that was interrupted: ${names.resumes}`);
}

/** --store, --bus (default inproc) and --json, whose help says what is printed. */
export function addLedgerOptions(command: Command, jsonHelp: string): Command {
  return command
    .option('--store <url>', 'ledger: a directory (embedded) or postgres://... (default $NAS_LEDGER_STORE, then ./.nas-ledger)')
    .option('--bus <url>', 'inproc | kafka://host:port', 'inproc')
    .option('--json', jsonHelp);
}

/** A new job needs its experiment; only --resume goes without one. */
export function requireExperimentOrResume(experimentId: string | undefined, flags: ResumableJobFlags, names: ResumableJobNames, usage: string): void {
  if (!experimentId && !flags.resume) throw new LedgerError('BAD_INPUT', `${names.command} needs an experiment, or --resume <${names.noun}>`, usage);
}

/** The version recorded with the job: package.json's. */
export function toolVersion(): string {
  return (JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}
