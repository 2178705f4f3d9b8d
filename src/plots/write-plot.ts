import { writeFileSync } from 'node:fs';
import { LedgerError } from '../../domain/shared/ledger-error';

/** Writes an SVG for a `--plot` flag; the note goes to stderr so stdout stays data. */
export function writePlotFile(path: string, svg: string): void {
  try {
    writeFileSync(path, svg);
  } catch (error) {
    throw new LedgerError('BAD_INPUT', `cannot write the plot to ${path}: ${(error as Error).message}`,
      'Pass --plot a writable file path, e.g. --plot stats.svg.');
  }
  process.stderr.write(`plot written to ${path} (open it in a browser)\n`);
}
