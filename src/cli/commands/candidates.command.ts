import type { Command } from 'commander';
import { intOption, printJson, printLine } from '../cli-context';
import { withQueryBus } from '../../queries/query-session';
import { ListCandidatesQuery } from '../../queries/list-candidates/list-candidates.query';
import { addQueryOptions, asOfFromCli, describeResultPoint, type AsOfCliOptions } from '../queries/as-of-options';
import { fixed, renderTable } from '../queries/table';

export function register(program: Command): void {
  addQueryOptions(program.command('candidates <experiment>')
    .description('List the candidates of an experiment: id, cycle, index, status, rejection stage, accuracy, J_train, admitted, and why\n' +
      'not: the not-admitted reason (near_duplicate, below_threshold, structural_duplicate) or the rejection message (shortened;\n' +
      '`nas-ledger show <candidate>` prints it whole).')
    .option('--cycle <cycle>', 'only this cycle', intOption('--cycle', 1)))
    .action(async (experiment: string, options: AsOfCliOptions & { cycle?: number }) => {
      const asOf = asOfFromCli(options);
      const result = await withQueryBus(options.store, (bus) => bus.execute(new ListCandidatesQuery(experiment, options.cycle, asOf)));
      if (options.json) {
        printJson(result.candidates);
        return;
      }
      printLine(`${result.candidates.length} candidate(s) of ${experiment}${options.cycle ? ` in cycle ${options.cycle}` : ''}, ` +
        describeResultPoint(result));
      if (result.candidates.length === 0) return;
      printLine(renderTable(
        ['candidate', 'cycle', 'index', 'status', 'stage', 'accuracy', 'jTrain', 'admitted', 'why not'],
        result.candidates.map((c) => [
          c.candidateId, String(c.cycle), String(c.index), c.status, c.stage ?? '-', fixed(c.accuracy, 4), fixed(c.jTrain),
          c.admitted ? (c.architectureId ?? 'yes') : 'no', whyNot(c),
        ])));
    });
}

/** The not-admitted reason, or the rejection message cut to one short line; '-' when neither applies. */
export function whyNot(c: { notAdmittedReason: string | null; rejectionMessage?: string | null }, width = 60): string {
  if (c.notAdmittedReason) return c.notAdmittedReason;
  const message = (c.rejectionMessage ?? '').replace(/\s+/g, ' ').trim();
  if (!message) return '-';
  return message.length <= width ? message : `${message.slice(0, width - 1)}…`;
}
