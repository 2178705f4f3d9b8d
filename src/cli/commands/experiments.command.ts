import type { Command } from 'commander';
import { printJson, printLine } from '../cli-context';
import { withQueryBus } from '../../queries/query-session';
import { ListExperimentsQuery } from '../../queries/list-experiments/list-experiments.query';
import { addQueryOptions, asOfFromCli, describeResultPoint, type AsOfCliOptions } from '../queries/as-of-options';
import { renderTable } from '../queries/table';

export function register(program: Command): void {
  addQueryOptions(program.command('experiments')
    .description('List the experiments in the ledger: id, name, status, cycles done/planned, config hash, latest position.'), false)
    .action(async (options: AsOfCliOptions) => {
      const result = await withQueryBus(options.store, (bus) => bus.execute(new ListExperimentsQuery(asOfFromCli(options))));
      if (options.json) {
        printJson(result.experiments);
        return;
      }
      printLine(`${result.experiments.length} experiment(s), ${describeResultPoint(result)}`);
      if (result.experiments.length === 0) return;
      printLine(renderTable(
        ['id', 'name', 'status', 'cycles', 'candidates', 'admitted', 'config hash', 'head'],
        result.experiments.map((e) => [
          e.experimentId, e.name, e.status + (e.currentCycle !== null ? ` (cycle ${e.currentCycle})` : ''),
          `${e.cyclesDone}/${e.cyclesPlanned}`, String(e.candidates), String(e.admitted), e.configHash.slice(0, 12),
          String(e.headPosition),
        ])));
    });
}
