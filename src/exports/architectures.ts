import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LedgerError } from '../../domain/shared/ledger-error';
import { makeDirectory } from '../shared/make-directory';
import type { CandidateExportRecord } from '../queries/export-data/export-data.query';
import { flatTable, toCsv } from './flat-table';

/**
 * `export architectures`: one `<candidateId>.py` per program (admitted ones only with `admittedOnly`) and an
 * index.csv naming each file with its record. The directory was checked by checkOutDirectory before the read.
 */
export function writeArchitectures(dir: string, records: readonly CandidateExportRecord[], admittedOnly: boolean): { files: number } {
  const chosen = records.filter((r) => !admittedOnly || r.admission?.admitted === true);
  makeDirectory(dir);
  const index = chosen.map((r) => {
    if (r.code === undefined) throw new LedgerError('INTERNAL', `no source text for ${r.candidateId}`);
    const file = `${r.candidateId.replace(/[^A-Za-z0-9._-]/g, '_')}.py`;
    writeFileSync(join(dir, file), r.code);
    return {
      file, experimentId: r.experimentId, candidateId: r.candidateId, cycle: r.cycle, index: r.index, status: r.status,
      codeHash: r.generation.codeHash, parentEntryId: r.generation.parentEntryId, accuracy: r.evaluation?.accuracy ?? null,
      params: r.evaluation?.params ?? null, flops: r.evaluation?.flops ?? null, architectureId: r.admission?.architectureId ?? null,
      rejectionStage: r.rejection?.stage ?? null, notAdmittedReason: r.admission?.notAdmittedReason ?? null,
    };
  });
  const table = index.length ? flatTable(index) : { columns: ['file', 'experimentId', 'candidateId', 'cycle', 'index', 'status', 'codeHash'], rows: [] };
  writeFileSync(join(dir, 'index.csv'), toCsv(table));
  return { files: chosen.length };
}
