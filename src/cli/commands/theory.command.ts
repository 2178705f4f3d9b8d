import type { Command } from 'commander';
import { LedgerError } from '../../../domain/shared/ledger-error';
import { printJson } from '../cli-context';
import { withQueryBus } from '../../queries/query-session';
import { GetTheoryQuery } from '../../queries/get-theory/get-theory.query';
import { addQueryOptions, asOfFromCli, type AsOfCliOptions } from '../queries/as-of-options';
import { printTheory } from '../queries/group-tables';

export function register(program: Command): void {
  addQueryOptions(program.command('theory [experiment]')
    .description("The convergence paper's predictions (its Table 2) checked on an experiment or a group of seeds, one row per result:\n" +
      'Thm 2 trend of mean accuracy (Mann–Kendall, 3-cycle smoothed means), Thm 3 elite-concentration plateau (last 5 cycles),\n' +
      'Thm 5 delta/full valid-rate ratio (needs --against), Thm 7 admissions every cycle and δ-separation by exact Jaccard,\n' +
      'Thm 8 proxy reliability (from a proxy study). Verdicts: consistent, direction only, inconsistent, not enough data.')
    .option('--group <id>', 'a group of runs (replicate, ablate --seeds) instead of one experiment')
    .option('--against <experiment|group>', 'the other side of Thm 5: the same config with the other --delta setting'))
    .action(async (experiment: string | undefined, options: AsOfCliOptions & { group?: string; against?: string }) => {
      const asOf = asOfFromCli(options);
      if ((experiment === undefined) === (options.group === undefined)) {
        throw new LedgerError('BAD_INPUT', 'theory needs an experiment or --group (one of them)', 'Run `nas-ledger theory <experiment>` or `nas-ledger theory --group <id>`.');
      }
      const target = experiment ?? options.group!;
      const result = await withQueryBus(options.store, (bus) => bus.execute(new GetTheoryQuery(target, experiment === undefined, options.against, asOf)));
      if (options.json) printJson(result);
      else printTheory(result);
    });
}
