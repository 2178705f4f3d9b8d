import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { LedgerError } from '../../../domain/shared/ledger-error';
import { log } from '../cli-context';
import { withQueryBus } from '../../queries/query-session';
import { GetExportDataQuery, type ExportDataResult } from '../../queries/export-data/export-data.query';
import { addQueryOptions, asOfFromCli, describeResultPoint, type AsOfCliOptions } from '../queries/as-of-options';
import { candidateTable, cycleTable } from '../../exports/rows';
import { cycleDataTable } from '../../exports/cycle-data';
import { toCsv, toJsonLines, type FlatTable } from '../../exports/flat-table';
import { writeArchitectures } from '../../exports/architectures';
import { openLineageEvents } from '../../exports/openlineage';
import { checkOutDirectory, checkOutFile } from '../../exports/output-target';

interface ExportOptions extends AsOfCliOptions { all?: boolean; format?: string; out?: string; admitted?: boolean; force?: boolean }

export function register(program: Command): void {
  const exportCommand = program.command('export')
    .description('Exports for analysis: cycles and candidates as CSV or JSON Lines (pandas.read_csv reads them with no options),\n' +
      'architectures as .py files, OpenLineage RunEvents. Data goes to stdout unless --out.');
  tableExport(exportCommand, 'cycles', 'one row per experiment and cycle: flat statistics (intervals as _low/_high), the generator version',
    (data) => cycleTable(data.cycles));
  tableExport(exportCommand, 'cycle-data', "the convergence paper's cycle_data.csv: experiment, cycle, elite_concentration, mean_quality, valid_rate " +
    '(and generated, valid, admitted, threshold), completed cycles', (data) => cycleDataTable(data.cycles));
  tableExport(exportCommand, 'candidates', 'one row per candidate: every field of its record, flat (params, FLOPs, hashes, generator, parent, message, nearest neighbour)',
    (data) => candidateTable(data.candidates));

  addQueryOptions(exportCommand.command('architectures <experiment>')
    .description('One <candidateId>.py per program of the experiment, plus index.csv naming each file with its record.')
    .requiredOption('--out <dir>', 'the directory to write (created if missing)')
    .option('--admitted', 'only the admitted architectures')
    .option('--force', 'write into an existing, non-empty directory (files of the same names are replaced)'))
    .action(async (experiment: string, options: ExportOptions) => {
      const asOf = asOfFromCli(options);
      checkOutDirectory(options.out!, options.force === true);
      const data = await read(options, experiment, asOf, true);
      const { files } = writeArchitectures(options.out!, data.candidates, options.admitted === true);
      log(`wrote ${files} program(s) and index.csv to ${options.out!}, ${describeResultPoint(data)}`);
    });

  addQueryOptions(exportCommand.command('openlineage <experiment>')
    .description('OpenLineage RunEvents as JSON Lines: one run per cycle and one per evaluation; the code, the dataset and the\n' +
      'generator version are datasets whose facets carry the hashes. The custom facets\' schema ships as\n' +
      'docs/openlineage/nas-ledger-facets.json; $NAS_LEDGER_OPENLINEAGE_SCHEMA_URL sets their _schemaURL (docs/exports.md).')
    .option('--out <file>', 'write to this file instead of stdout'))
    .action(async (experiment: string, options: ExportOptions) => {
      const asOf = asOfFromCli(options);
      if (options.out !== undefined) checkOutFile(options.out);
      const data = await read(options, experiment, asOf, false);
      emit(openLineageEvents(data).map((e) => JSON.stringify(e)).join('\n') + '\n', options.out);
    });
}

function tableExport(parent: Command, name: string, description: string, table: (data: ExportDataResult) => FlatTable): void {
  addQueryOptions(parent.command(`${name} [experiment]`)
    .description(`${description}.\nGive an experiment or --all.`)
    .option('--all', 'every experiment in the ledger (as-of cycle then has no single meaning: use --as-of-position or --as-of-time)')
    .option('--format <format>', 'csv or jsonl', 'csv')
    .option('--out <file>', 'write to this file instead of stdout'))
    .action(async (experiment: string | undefined, options: ExportOptions) => {
      const asOf = asOfFromCli(options);
      if ((experiment === undefined) === (options.all !== true)) {
        throw new LedgerError('BAD_INPUT', `export ${name} needs an experiment or --all (one of them)`, `Run \`nas-ledger export ${name} <experiment>\` or \`nas-ledger export ${name} --all\`.`);
      }
      if (options.format !== 'csv' && options.format !== 'jsonl') {
        throw new LedgerError('BAD_INPUT', `--format must be csv or jsonl, got "${options.format}"`);
      }
      if (options.out !== undefined) checkOutFile(options.out);
      const data = await read(options, experiment ?? null, asOf, false);
      const rows = table(data);
      emit(options.format === 'csv' ? toCsv(rows) : toJsonLines(rows), options.out);
      if (options.out !== undefined) log(`wrote ${rows.rows.length} row(s) to ${options.out}, ${describeResultPoint(data)}`);
    });
}

function read(options: ExportOptions, experiment: string | null, asOf: ReturnType<typeof asOfFromCli>, withCode: boolean): Promise<ExportDataResult> {
  return withQueryBus(options.store, (bus) => bus.execute(new GetExportDataQuery(experiment, asOf, withCode)));
}

function emit(text: string, out: string | undefined): void {
  if (out === undefined) process.stdout.write(text);
  else writeFileSync(out, text);
}
