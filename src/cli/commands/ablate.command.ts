import type { Command } from 'commander';
import { intOption, log, printJson, printLine } from '../cli-context';
import { loadExperimentConfig } from '../../config/load-config';
import { runLoop } from '../../app/run-loop';
import { openEventStore } from '../../ledger/open-event-store';
import { ABLATION_VARIANTS, ablationRow, formatAblationTable, type AblationRow } from '../../app/ablation-table';
import { experimentEventsOf } from '../../app/experiment-events';
import { ablateAsGroup } from './ablate-group';
import { overridesFrom, interruptSignal, grammarTemperatureOption } from './run.command';
import { DEFAULT_GRAMMAR_TEMPERATURE, GRAMMAR_TEMPERATURE_RANGE } from '../../../domain/generators/grammar';

export function register(program: Command): void {
  program.command('ablate')
    .description("Run the full method and the paper's three ablations (no novelty, no threshold, no iteration) with the same seeds; print Table 3.")
    .option('--config <file>', 'experiment config (JSON or YAML); its ablation switches are overridden per variant')
    .option('--cycles <n>', 'cycles', intOption('--cycles', 1))
    .option('--candidates <n>', 'candidates per cycle', intOption('--candidates', 1))
    .option('--generator <spec>', 'grammar | sim | llm:<path> | openai:<url>')
    .option('--dataset <name>', 'dataset')
    .option('--subset <n>', 'training images used by the proxy', intOption('--subset', 16))
    .option('--protocol <name>', 'fast | nngpt | sim (as for run)')
    .option('--seed <n>', 'seed', intOption('--seed', 0))
    .option('--store <url>', 'ledger: a directory (embedded) or postgres://...')
    .option('--concurrency <n>', 'jobs the local agent runs at once', intOption('--concurrency', 1))
    .option('--grammar-temperature <t>', `grammar generator's decoding temperature, ${GRAMMAR_TEMPERATURE_RANGE} (default ${DEFAULT_GRAMMAR_TEMPERATURE})`,
      grammarTemperatureOption)
    .option('--rejection-sampling', "the paper's A.2 rejection loop in every variant (the no-novelty one has no filter to re-draw for)")
    .option('--json', 'print the rows as JSON on stdout')
    .option('--seeds <list>', 'run every variant with each of these seeds (distinct, comma-separated) as one group: Table 3 with across-seed intervals')
    .option('--novelty-thresholds <list>', 'instead of the ablations, the full method at each novelty τ in (0, 1] (e.g. 0.80,0.85,0.90,0.95)')
    .option('--group-id <id>', 'the group id for --seeds / --novelty-thresholds (default: name, time and a random suffix)')
    .action(async (flags: { config?: string; concurrency?: number; json?: boolean } & Record<string, unknown>) => {
      if (flags.seeds !== undefined || flags.noveltyThresholds !== undefined) { await ablateAsGroup(flags); return; }
      const rows: AblationRow[] = [];
      const { signal, dispose } = interruptSignal();
      const first = loadExperimentConfig({ file: flags.config, overrides: overridesFrom(flags) });
      const store = await openEventStore(first.store);
      try {
        for (const { variant, switches } of ABLATION_VARIANTS) {
          const base = loadExperimentConfig({ file: flags.config, overrides: overridesFrom(flags) });
          const config = { ...base, name: `${base.name}-${variant.replace(' ', '-')}`, ablations: switches };
          log(`ablation "${variant}": ${config.cycles} cycles x ${config.candidatesPerCycle} candidates, seed ${config.seed}`);
          const result = await runLoop({ config, store, signal , agentConcurrency: flags.concurrency ?? (config.generator === 'sim' ? 4 : undefined) });
          rows.push(ablationRow(variant, result.experimentId, config.threshold, await experimentEventsOf(store, result.experimentId)));
          log(formatAblationTable(rows.slice(-1))[1]!);
        }
      } finally {
        dispose();
        await store.close();
      }
      if (flags.json) { printJson(rows); return; }
      for (const line of formatAblationTable(rows)) printLine(line);
      printLine(`experiments: ${rows.map((r) => r.experimentId).join(', ')}`);
    });
}
