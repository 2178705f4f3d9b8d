import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { LedgerError } from '../../domain/shared/ledger-error';

/**
 * Refuses a file path that cannot be written (missing or unwritable directory, a directory in its place) before any
 * work starts. `problem` turns the reason into the caller's own error (its flag, its wording, its hint).
 */
export function checkWritablePath(path: string, problem: (why: string) => LedgerError): void {
  const directory = dirname(resolve(path));
  if (!existsSync(directory) || !statSync(directory).isDirectory()) throw problem(`the directory ${directory} does not exist`);
  if (existsSync(path) && statSync(path).isDirectory()) throw problem('it is a directory');
  try {
    accessSync(existsSync(path) ? path : directory, constants.W_OK);
  } catch {
    throw problem('permission denied');
  }
}
