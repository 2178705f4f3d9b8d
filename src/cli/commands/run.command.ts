import type { Command } from 'commander';
import { checkWritableFile, floatOption, intOption, log, printJson, printLine, shownStore, storeFromFlagOrEnv } from '../cli-context';
import { DEFAULT_STORE_DIR } from '../../ledger/open-event-store';
import { loadExperimentConfig, type ConfigOverrides } from '../../config/load-config';
import { checkGrammarTemperature, DEFAULT_GRAMMAR_TEMPERATURE, GRAMMAR_TEMPERATURE_RANGE } from '../../../domain/generators/grammar';
import { runLoop, type LoopResult } from '../../app/run-loop';
import { LoopReporter } from '../../app/loop-report';
import { renderCycleStatsSvg } from '../../plots/cycle-stats-chart';
import { writePlotFile } from '../../plots/write-plot';
import { withDashboardDuringRun } from '../serve-during-run';

interface RunFlags {
  config?: string; cycles?: number; candidates?: number; dataset?: string; subset?: number; protocol?: string; generator?: string;
  seed?: number; device?: string; store?: string; bus?: string; threshold?: number; name?: string; delta?: boolean;
  novelty?: boolean; thresholdFilter?: boolean; iteration?: boolean; agents?: number; concurrency?: number; json?: boolean;
  id?: string; leaseMs?: number; valSubset?: number; plot?: string; flopsBudget?: number | null; serve?: number;
  grammarTemperature?: number; rejectionSampling?: boolean;
}

/** Precedence of the store: --store, then $NAS_LEDGER_STORE, then the config file's `store`, then ./.nas-ledger. */
export function overridesFrom(flags: RunFlags): ConfigOverrides {
  const ablations: Record<string, boolean> = {};
  if (flags.novelty === false) ablations.noNovelty = true;
  if (flags.thresholdFilter === false) ablations.noThreshold = true;
  if (flags.iteration === false) ablations.noIteration = true;
  return {
    name: flags.name, cycles: flags.cycles, candidatesPerCycle: flags.candidates, dataset: flags.dataset, subset: flags.subset,
    protocol: flags.protocol, generator: flags.generator, seed: flags.seed, device: flags.device, store: storeFromFlagOrEnv(flags.store), bus: flags.bus,
    threshold: flags.threshold, delta: flags.delta, flopsBudget: flags.flopsBudget, ...(Object.keys(ablations).length ? { ablations } : {}),
    grammarTemperature: flags.grammarTemperature, rejectionSampling: flags.rejectionSampling,
  };
}

/** --grammar-temperature: a number in (0, 10]; anything else is BAD_INPUT naming the range. */
export function grammarTemperatureOption(value: string): number {
  return checkGrammarTemperature(value, '--grammar-temperature');
}

function flopsBudgetOption(value: string): number | null {
  return value === 'none' ? null : intOption('--flops-budget', 1000)(value);
}

/** Ctrl-C aborts the run cleanly (the ledger keeps everything; `resume` carries on); a second Ctrl-C kills. */
export function interruptSignal(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    log('\nstopping after the current step (Ctrl-C again to kill)...');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  return { signal: controller.signal, dispose: () => { process.off('SIGINT', onSigint); process.off('SIGTERM', onSigint); } };
}

export function printSummary(result: LoopResult, reporter: LoopReporter, json: boolean | undefined, storeHint: string): void {
  const rows = reporter.allRows();
  const generated = rows.reduce((s, r) => s + r.generated, 0);
  const valid = rows.reduce((s, r) => s + r.valid, 0);
  const admitted = rows.reduce((s, r) => s + r.admitted, 0);
  if (json) {
    printJson({ experimentId: result.experimentId, completed: result.view.completed, generated, valid, admitted, cycles: rows });
    return;
  }
  printLine(`experiment ${result.experimentId}: ${rows.length} cycles, ${generated} generated, ${valid} valid (${generated ? (100 * valid / generated).toFixed(1) : '0'}%), ${admitted} admitted`);
  printLine(`follow up: nas-ledger stats ${result.experimentId}${storeHint}   nas-ledger provenance <candidate>${storeHint}   nas-ledger events export${storeHint}`);
}

async function runWith(options: Parameters<typeof runLoop>[0], flags: { json?: boolean; store?: string; plot?: string; serve?: number }): Promise<void> {
  if (flags.plot !== undefined) checkWritableFile('--plot', flags.plot);
  let experimentId = options.experimentId ?? '';
  const reporter = new LoopReporter(() => experimentId, log);
  const { signal, dispose } = interruptSignal();
  try {
    const result = await withDashboardDuringRun(flags.serve, options.storeUrl ?? options.config?.store, log, (store) => runLoop({
      ...options, signal, store,
      simEvaluateDelayMs: process.env.NAS_SIM_EVAL_DELAY_MS ? Number(process.env.NAS_SIM_EVAL_DELAY_MS) : undefined,
      log: process.env.NAS_LEDGER_DEBUG ? log : undefined,
      onEvent: (event, view) => { experimentId = view.experimentId; reporter.onEvent(event, view); },
    }));
    reporter.finish();
    printSummary(result, reporter, flags.json, flags.store ? ` --store ${shownStore(flags.store)}` : '');
    if (flags.plot !== undefined) {
      const rows = reporter.allRows();
      writePlotFile(flags.plot, renderCycleStatsSvg(result.experimentId, `${rows.length} cycles recorded${result.view.completed ? ', completed' : ', interrupted'}`, rows));
    }
  } finally {
    reporter.finish();
    dispose();
  }
}

/** The options of the process that drives a loop, shared by run and resume. */
function addLoopProcessOptions(command: Command): Command {
  return command
    .option('--agents <n>', 'agents in this process (0 with Kafka: agents run elsewhere)', intOption('--agents', 0))
    .option('--concurrency <n>', 'jobs each local agent runs at once (PyTorch: runners; default one per CPU core)', intOption('--concurrency', 1))
    .option('--lease-ms <ms>', 'how long an agent\'s claim on a job holds before another may take it over', intOption('--lease-ms', 100))
    .option('--json', 'print the summary as JSON on stdout')
    .option('--plot <file.svg>', 'at the end, draw the per-cycle trajectories as an SVG file (the same as stats --plot)')
    .option('--serve <port>', 'serve the dashboard and JSON API from this process on 127.0.0.1:PORT while it runs (0: any free port)',
      intOption('--serve', 0));
}

export function register(program: Command): void {
  const run = program.command('run');
  run.description('Run an experiment: generate -> validate -> evaluate -> novelty -> admit -> fine-tune, for N cycles, recorded in the ledger.')
    .option('--config <file>', 'experiment config (JSON or YAML); flags override it')
    .option('--name <name>', 'experiment name')
    .option('--cycles <n>', 'cycles', intOption('--cycles', 1))
    .option('--candidates <n>', 'candidates per cycle', intOption('--candidates', 1))
    .option('--dataset <name>', 'fashion-mnist | mnist | cifar10 | cifar100 | svhn | sim')
    .option('--subset <n>', 'training images used by the proxy', intOption('--subset', 16))
    .option('--flops-budget <n|none>', 'compute budget: forward FLOPs per sample a candidate may cost (none = no budget)', flopsBudgetOption)
    .option('--protocol <name>', 'fast | nngpt | sim')
    .option('--generator <spec>', 'grammar | sim | llm:<path> | openai:<url>')
    .option('--threshold <tau>', 'admission threshold on first-epoch accuracy', floatOption('--threshold'))
    .option('--delta', 'delta generation (diffs against a corpus entry)')
    .option('--seed <n>', 'seed', intOption('--seed', 0))
    .option('--device <d>', 'auto | cpu | cuda | cuda:<n>')
    .option('--store <url>', 'ledger: a directory (embedded) or postgres://... (default $NAS_LEDGER_STORE, then the config\'s store, then ./.nas-ledger)')
    .option('--bus <url>', 'inproc | kafka://host:port')
    .option('--no-novelty', 'ablation: no novelty filter')
    .option('--no-threshold-filter', 'ablation: no accuracy threshold')
    .option('--no-iteration', 'ablation: fine-tune once on the seed corpus, never again')
    .option('--grammar-temperature <t>', `grammar generator's decoding temperature, ${GRAMMAR_TEMPERATURE_RANGE} (default ${DEFAULT_GRAMMAR_TEMPERATURE})`,
      grammarTemperatureOption)
    .option('--rejection-sampling', "the paper's A.2 rejection loop: a near-duplicate costs a re-draw (config rejectionSampling)")
    .option('--val-subset <n>', 'validation images per evaluation for the local PyTorch agent (default 1000)', intOption('--val-subset', 1))
    .option('--id <experiment>', 'experiment id (default: name, time and a random suffix)');
  addLoopProcessOptions(run)
    .action(async (flags: RunFlags) => {
      const config = loadExperimentConfig({ file: flags.config, overrides: overridesFrom(flags) });
      log(`experiment ${config.name}: ${config.cycles} cycles x ${config.candidatesPerCycle} candidates, generator ${config.generator}, dataset ${config.dataset}` +
        `${config.subset ? ` (subset ${config.subset})` : ''}, tau ${config.threshold}, store ${shownStore(config.store)}, bus ${config.bus}`);
      await runWith({ config, experimentId: flags.id, localAgents: flags.agents ?? 1, agentConcurrency: flags.concurrency ?? (config.generator === 'sim' ? 4 : undefined), leaseMs: flags.leaseMs, valSubset: flags.valSubset }, flags);
    });

  addLoopProcessOptions(program.command('resume <experiment>')
    .description('Continue an interrupted experiment from what the ledger holds (no work is repeated).')
    .option('--store <url>', 'ledger: a directory (embedded) or postgres://... (default $NAS_LEDGER_STORE, then ./.nas-ledger)')
    .option('--bus <url>', 'inproc | kafka://host:port (default: the experiment\'s)'))
    .action(async (experimentId: string, flags: RunFlags) => {
      const storeUrl = storeFromFlagOrEnv(flags.store) ?? DEFAULT_STORE_DIR;
      await runWith({
        experimentId, resume: true, storeUrl, busUrl: flags.bus, localAgents: flags.agents ?? 1, agentConcurrency: flags.concurrency, leaseMs: flags.leaseMs,
      }, flags);
    });
}
