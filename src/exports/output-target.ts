import { accessSync, constants, existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LedgerError } from '../../domain/shared/ledger-error';
import { checkWritablePath } from '../shared/writable-file';

/** An --out file must be writable (its directory exists and takes writes; not a directory itself): checked before any read. */
export function checkOutFile(path: string): void {
  const problem = (why: string) => new LedgerError('BAD_INPUT', `cannot write the export to ${path}: ${why}`,
    'Pass --out a writable file path, or leave --out out to write to stdout.', { path });
  checkWritablePath(path, problem);
}

/**
 * An --out directory: created when missing (its parent must be writable); an existing non-empty one only with
 * --force, whose files of the same names are then replaced (nothing else in it is touched).
 */
export function checkOutDirectory(path: string, force: boolean): void {
  const problem = (why: string) => new LedgerError('BAD_INPUT', `cannot write the export to ${path}: ${why}`,
    'Pass --out a directory you can write, e.g. --out ./architectures.', { path });
  if (existsSync(path)) {
    if (!statSync(path).isDirectory()) throw problem('it is a file, not a directory');
    if (readdirSync(path).length > 0 && !force) {
      throw new LedgerError('CONFLICT', `${path} already exists and is not empty`,
        'Pass --force to write into it (files of the same names are replaced), or pick a new directory.', { path });
    }
    try {
      accessSync(path, constants.W_OK);
    } catch {
      throw problem('permission denied');
    }
    return;
  }
  const parent = dirname(resolve(path));
  if (!existsSync(parent) || !statSync(parent).isDirectory()) throw problem(`the directory ${parent} does not exist`);
  try {
    accessSync(parent, constants.W_OK);
  } catch {
    throw problem(`permission denied in ${parent}`);
  }
}
