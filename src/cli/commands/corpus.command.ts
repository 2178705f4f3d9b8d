import type { Command } from 'commander';
import { printJson, printLine } from '../cli-context';
import { withQueryBus } from '../../queries/query-session';
import { GetCorpusQuery } from '../../queries/get-corpus/get-corpus.query';
import { addQueryOptions, asOfFromCli, describeResultPoint, type AsOfCliOptions } from '../queries/as-of-options';
import { fixed, renderTable } from '../queries/table';

export function register(program: Command): void {
  addQueryOptions(program.command('corpus <experiment>')
    .description('The members of an experiment\'s training corpus at a point in history: entry id, name, source (seed, or the cycle\n' +
      'that admitted it), code hash, accuracy. JSON: the corpus snapshot (size, seedSize, corpusHash, members) with its as-of point.'))
    .action(async (experiment: string, options: AsOfCliOptions) => {
      const asOf = asOfFromCli(options);
      const result = await withQueryBus(options.store, (bus) => bus.execute(new GetCorpusQuery(experiment, asOf)));
      if (options.json) {
        printJson(result);
        return;
      }
      printLine(`corpus of ${experiment}: ${result.size} member(s), ${result.seedSize} seed, ${describeResultPoint(result)}`);
      printLine(renderTable(['entry', 'name', 'source', 'codeHash', 'accuracy'], result.members.map((m) => [
        m.architectureId ?? m.entryId, m.name, m.source === 'seed' ? 'seed' : `cycle ${m.cycle}`, m.codeHash.slice(0, 12), fixed(m.accuracy, 4),
      ])));
    });
}
