import type { Command } from 'commander';
import { floatOption, intOption, log, printJson, printLine, shownStore } from '../cli-context';
import { loadExperimentConfig } from '../../config/load-config';
import { openEventStore } from '../../ledger/open-event-store';
import { newGroupId, parseSeeds, runGroup } from '../../app/seed-groups';
import { overridesFrom, interruptSignal } from './run.command';

interface ReplicateFlags extends Record<string, unknown> {
  seeds: string; groupId?: string; concurrency?: number; valSubset?: number; json?: boolean; store?: string;
}

export function register(program: Command): void {
  program.command('replicate')
    .description('Run the same config once per seed, recorded as an experiment group (the group id is on each registration).\n' +
      'Then: `nas-ledger stats --group G` (across-seed means with t 95% intervals), `nas-ledger theory --group G`.')
    .requiredOption('--seeds <list>', 'the seeds, comma-separated and distinct (e.g. 1,2,3)')
    .option('--group-id <id>', 'the group id (default: name, time and a random suffix)')
    .option('--config <file>', 'experiment config (JSON or YAML); flags override it')
    .option('--name <name>', 'experiment name (each run gets -s<seed>)')
    .option('--cycles <n>', 'cycles', intOption('--cycles', 1))
    .option('--candidates <n>', 'candidates per cycle', intOption('--candidates', 1))
    .option('--dataset <name>', 'fashion-mnist | mnist | cifar10 | cifar100 | svhn | sim')
    .option('--subset <n>', 'training images used by the proxy', intOption('--subset', 16))
    .option('--protocol <name>', 'fast | nngpt | sim')
    .option('--generator <spec>', 'grammar | sim | llm:<path> | openai:<url>')
    .option('--threshold <tau>', 'admission threshold on first-epoch accuracy', floatOption('--threshold'))
    .option('--delta', 'delta generation (diffs against a corpus entry)')
    .option('--device <d>', 'auto | cpu | cuda | cuda:<n>')
    .option('--store <url>', 'ledger: a directory (embedded) or postgres://... (default $NAS_LEDGER_STORE, then ./.nas-ledger)')
    .option('--val-subset <n>', 'validation images per evaluation for the local PyTorch agent (default 1000)', intOption('--val-subset', 1))
    .option('--concurrency <n>', 'jobs the local agent runs at once', intOption('--concurrency', 1))
    .option('--json', 'print the group id and its runs as JSON on stdout')
    .action(async (flags: ReplicateFlags) => {
      const seeds = parseSeeds(flags.seeds);
      const config = loadExperimentConfig({ file: flags.config as string | undefined, overrides: overridesFrom(flags) });
      const groupId = flags.groupId ?? newGroupId(config.name);
      log(`replicate ${config.name} with seeds ${seeds.join(', ')} as group ${groupId}, store ${shownStore(config.store)}`);
      const { signal, dispose } = interruptSignal();
      const store = await openEventStore(config.store);
      try {
        const runs = await runGroup({ groupId, seeds, variants: [{ variant: '', config }], store, signal, agentConcurrency: flags.concurrency, valSubset: flags.valSubset, log });
        if (flags.json) { printJson({ groupId, seeds, runs }); return; }
        for (const run of runs) printLine(`seed ${run.seed}: ${run.experimentId}`);
        const storeHint = flags.store ? ` --store ${shownStore(flags.store)}` : '';
        printLine(`group ${groupId}: ${runs.length} runs. Follow up: nas-ledger stats --group ${groupId}${storeHint}   nas-ledger theory --group ${groupId}${storeHint}`);
      } finally {
        dispose();
        await store.close();
      }
    });
}
