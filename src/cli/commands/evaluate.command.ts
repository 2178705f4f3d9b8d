import type { Command } from 'commander';
import { LedgerError } from '../../../domain/shared/ledger-error';
import { DEFAULT_CONFIG } from '../../../domain/experiment/config';
import { evaluateProgram, type EvaluationReport } from '../../app/agent-wiring';
import { intOption, printJson, printLine } from '../cli-context';

interface EvaluateFlags {
  dataset: string; protocol: string; device: string; subset?: number; valSubset?: number; seed: number; budget: number; flopsBudget?: number;
  timeout: number; epochs?: number; validateOnly?: boolean; json?: boolean;
}

function printHuman(report: EvaluationReport): void {
  printLine(`${report.ok ? 'passed' : `rejected at stage ${report.stage}`}${report.reason ? `: ${report.reason}` : ''}`);
  if (report.accuracy !== null) printLine(`accuracy  ${report.accuracy.toFixed(4)}   loss ${report.loss?.toFixed(4)}`);
  if (report.params !== null) printLine(`params    ${report.params}${report.flops ? `   flops/sample ${report.flops}` : ''}`);
  printLine(`device    ${report.deviceName ?? report.device}   sandbox ${report.sandbox}`);
  printLine(`code      ${report.codeHash}`);
  printLine(`dataset   ${report.dataset} ${report.datasetHash ?? '(files not present)'}`);
  printLine(`protocol  ${report.protocol} ${report.protocolHash}`);
  printLine(`timings   ${Object.entries(report.timings).map(([k, v]) => `${k} ${v.toFixed(3)}s`).join(', ')}`);
  for (const note of report.sandboxNotes) printLine(`note      ${note}`);
}

export function register(program: Command): void {
  program.command('evaluate')
    .description('Run one candidate program through the sandbox, the validation stages and a training protocol, and print the outcome.\n' +
      'Writes nothing to any ledger. Exit status 0 when the program passed, 5 when it was rejected (the outcome is still printed).')
    .argument('<file>', 'the candidate program (.py) defining supported_hyperparameters() and class Net')
    .option('--dataset <name>', 'fashion-mnist | mnist | cifar10 | cifar100 | svhn | cifar10-standin', DEFAULT_CONFIG.dataset)
    .option('--protocol <name>', 'fast | nngpt | full | native-dataloader', 'fast')
    .option('--device <d>', 'cpu | cuda | cuda:<n> | auto', 'auto')
    .option('--subset <n>', 'training images (default: the whole training split)', intOption('--subset', 2))
    .option('--val-subset <n>', 'validation images (default: the whole test split)', intOption('--val-subset', 1))
    .option('--seed <n>', 'seed', intOption('--seed', 0), DEFAULT_CONFIG.seed)
    .option('--budget <n>', 'parameter budget', intOption('--budget', 1), DEFAULT_CONFIG.parameterBudget)
    .option('--flops-budget <n>', 'compute budget: forward FLOPs per sample (default: none)', intOption('--flops-budget', 1))
    .option('--timeout <s>', 'wall-clock limit for the program, seconds', intOption('--timeout', 1), 600)
    .option('--epochs <n>', 'epochs (protocol full only)', intOption('--epochs', 1))
    .option('--validate-only', 'stop after the forward stage (no training)')
    .option('--json', 'print the outcome as JSON')
    .action(async (file: string, flags: EvaluateFlags) => {
      const report = await evaluateProgram({
        file, dataset: flags.dataset, protocol: flags.protocol, device: flags.device, subset: flags.subset ?? null,
        valSubset: flags.valSubset ?? null, seed: flags.seed, parameterBudget: flags.budget, flopsBudget: flags.flopsBudget ?? null, timeoutS: flags.timeout,
        validateOnly: flags.validateOnly ?? false, epochs: flags.epochs ?? null,
      });
      if (flags.json) printJson(report);
      else printHuman(report);
      if (!report.ok) {
        throw new LedgerError('REFUSED', `${file} was rejected at stage ${report.stage}`, report.reason ?? undefined, { stage: report.stage });
      }
    });
}
