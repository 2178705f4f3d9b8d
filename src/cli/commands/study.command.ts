import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { LedgerError } from '../../../domain/shared/ledger-error';
import { HEAD, type AsOf } from '../../../projections/shared/as-of';
import type { ProxyStudyReport } from '../../../projections/proxy-study/query';
import { openEventStore } from '../../ledger/open-event-store';
import { checkWritableFile, intOption, log, printJson, printLine, storeFromFlagOrEnv } from '../cli-context';
import { addJobOptions, addLedgerOptions, requireExperimentOrResume, toolVersion, type ResumableJobFlags } from '../options/resumable-job';
import { addQueryOptions, asOfFromCli, type AsOfCliOptions } from '../queries/as-of-options';
import { checkOutFile } from '../../exports/output-target';
import { writePlotFile } from '../../plots/write-plot';
import { resumeProxyStudy, runProxyStudy } from '../../app/proxy-study-runner';
import { listProxyStudies, proxyFullPairsCsv, proxyScatterSvg, readProxyStudy, type ProxyStudyResult } from '../../studies/proxy-study-report';

/** CPU defaults that finish in minutes (docs/studies.md); the paper's settings are --top-k 20 --epochs 50 on a GPU. */
export const STUDY_DEFAULTS = { topK: 8, epochs: 3, proxySeeds: 3, from: 'valid' } as const;

interface ProxyFlags extends ResumableJobFlags {
  topK: number; epochs: number; proxySeeds: number; from: string; device?: string; workers?: number; plot?: string; out?: string;
}

const PROXY_JOB = { command: 'study proxy', noun: 'study', idInfix: 'proxy', resumes: 'only trainings not yet recorded run' } as const;

type ReportFlags = AsOfCliOptions & { plot?: string; out?: string };

export function register(program: Command): void {
  const study = program.command('study').description('Studies that check the papers\' claims on a recorded experiment, each on its own stream.');
  const proxy = study.command('proxy [experiment]')
    .description('Proxy reliability (seed 000 §5): full-train the top-k candidates by proxy accuracy for N epochs, re-run each one\'s proxy under\n' +
      'R seeds, and report SNR, Pearson / Spearman / Kendall τ-b with p-values, the predicted ρ_S = (6/π)·asin(ρ/2) and Bonferroni\n' +
      'over the studies in the ledger. Every training is an event on study-<id>; a study killed midway carries on with --resume.')
    .option('--top-k <k>', 'candidates to fully train, best proxy accuracy first (the paper: 20)', intOption('--top-k', 0), STUDY_DEFAULTS.topK)
    .option('--epochs <n>', 'epochs of full training (the paper: 50)', intOption('--epochs', 0), STUDY_DEFAULTS.epochs)
    .option('--proxy-seeds <r>', 'proxy re-runs per candidate, for the noise variance (at least 3)', intOption('--proxy-seeds', 0), STUDY_DEFAULTS.proxySeeds)
    .option('--from <source>', 'admitted | valid: the candidates to rank', STUDY_DEFAULTS.from)
    .option('--device <d>', 'cpu | cuda (default cpu)')
    .option('--workers <n>', 'runners of the in-process agent (default: the device\'s suggestion)', intOption('--workers', 1));
  addJobOptions(proxy, PROXY_JOB)
    .option('--plot <file.svg>', 'write the scatter plot (proxy vs full accuracy)')
    .option('--out <file.csv>', 'write proxy_full_pairs.csv');
  addLedgerOptions(proxy, 'print the report as JSON on stdout')
    .action(async (experimentId: string | undefined, flags: ProxyFlags) => {
      requireExperimentOrResume(experimentId, flags, PROXY_JOB, 'nas-ledger study proxy <experiment> [--top-k 8]');
      if (flags.from !== 'admitted' && flags.from !== 'valid') throw new LedgerError('BAD_INPUT', `--from expects admitted or valid, got "${flags.from}"`);
      checkOutputs(flags);
      const storeUrl = storeFromFlagOrEnv(flags.store);
      const store = await openEventStore(storeUrl);
      let studyId: string;
      try {
        const common = {
          store, storeUrl, busUrl: flags.bus, agents: flags.agents, workers: flags.workers, log,
          onResult: (line: string, done: number, total: number) => log(`[${done}/${total}] ${line}`),
        };
        const state = flags.resume
          ? await resumeProxyStudy({ ...common, resume: flags.resume })
          : await runProxyStudy({
            ...common, experimentId: experimentId!, topK: flags.topK, epochs: flags.epochs, proxySeeds: flags.proxySeeds, from: flags.from,
            device: flags.device, studyId: flags.id, toolVersion: toolVersion(),
          });
        studyId = state.studyId;
        emit(await readProxyStudy(store, studyId, HEAD), flags);
      } finally {
        await store.close();
      }
    });
  addQueryOptions(study.command('show <study>')
    .description('A proxy study\'s report as of any point (the same fold over a prefix of the log).')
    .option('--plot <file.svg>', 'write the scatter plot')
    .option('--out <file.csv>', 'write proxy_full_pairs.csv'), false)
    .action(async (studyId: string, flags: ReportFlags) => {
      const asOf = asOfFromCli(flags);
      checkOutputs(flags);
      // A read: through the holder's read socket when another process (a run, serve) has the embedded store.
      const store = await openEventStore(storeFromFlagOrEnv(flags.store), { forReading: true });
      try {
        emit(await readProxyStudy(store, studyId, asOf), flags);
      } finally {
        await store.close();
      }
    });
  addQueryOptions(study.command('list <experiment>').description('The proxy studies of an experiment with their headline numbers.'), false)
    .action(async (experimentId: string, flags: AsOfCliOptions) => {
      const asOf: AsOf = asOfFromCli(flags);
      const store = await openEventStore(storeFromFlagOrEnv(flags.store), { forReading: true });
      try {
        const reports = await listProxyStudies(store, experimentId, asOf);
        if (flags.json) printJson(reports.map(({ pairs: _pairs, ...rest }) => rest));
        else for (const r of reports) printLine(headline(r));
      } finally {
        await store.close();
      }
    });
}

function checkOutputs(flags: { plot?: string; out?: string }): void {
  if (flags.plot !== undefined) checkWritableFile('--plot', flags.plot);
  if (flags.out !== undefined) checkOutFile(flags.out);
}

function emit(result: ProxyStudyResult, flags: { json?: boolean; plot?: string; out?: string }): void {
  if (flags.plot !== undefined) writePlotFile(flags.plot, proxyScatterSvg(result));
  if (flags.out !== undefined) writeFileSync(flags.out, proxyFullPairsCsv(result.report));
  if (flags.json) printJson(result);
  else printReport(result.report);
}

const f3 = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));
const p = (x: number | null) => (x === null ? 'n/a' : x < 1e-4 ? x.toExponential(2) : x.toFixed(4));

function headline(r: ProxyStudyReport): string {
  return `${r.studyId}  ${r.status}  n ${r.n}  SNR ${r.snr === null ? 'n/a' : r.snr.toFixed(2)}  Spearman ${f3(r.spearman.coefficient)} (p ${p(r.spearman.pValue)})`;
}

function printReport(r: ProxyStudyReport): void {
  printLine(`proxy study ${r.studyId} of ${r.experimentId} (${r.status}): top ${r.topK} ${r.from} candidates, ${r.training.epochs} epoch(s), `
    + `proxy seeds ${r.training.proxySeeds.join(',')}, ${r.training.device}`);
  for (const pair of r.pairs) {
    const runs = Object.entries(pair.proxyReruns).map(([seed, a]) => `${seed}:${a === null ? '-' : a.toFixed(3)}`).join(' ');
    printLine(`  #${pair.rank} ${pair.candidateId}  proxy ${pair.proxyAccuracy.toFixed(3)}  full ${pair.fullAccuracy === null ? `failed (${pair.fullTrainStage ?? 'missing'})` : pair.fullAccuracy.toFixed(3)}  re-runs ${runs}`);
  }
  const noise = r.noise;
  printLine(`n ${r.n} pairs`);
  printLine(`SNR ${r.snr === null ? 'n/a' : r.snr.toFixed(3)}  (architecture variance ${noise ? noise.architectureVariance.toExponential(3) : 'n/a'}`
    + ` / noise variance ${noise ? noise.noiseVariance.toExponential(3) : 'n/a'}; F ${noise ? noise.f.toFixed(2) : 'n/a'}, p ${p(noise?.fPValue ?? null)})`);
  printLine(`Pearson ρ ${f3(r.pearson.coefficient)} (p ${p(r.pearson.pValue)})`);
  printLine(`Spearman ρ_S ${f3(r.spearman.coefficient)} (p ${p(r.spearman.pValue)})`);
  printLine(`Kendall τ-b ${f3(r.kendall.coefficient)} (p ${p(r.kendall.pValue)})`);
  printLine(`predicted ρ_S = (6/π)·asin(ρ/2) = ${f3(r.predictedSpearman)}`);
  printLine(`Bonferroni over ${r.bonferroni.m} study(ies) at α ${r.bonferroni.alpha}: adjusted p ${p(r.bonferroni.adjustedP)}, `
    + `${r.bonferroni.survives ? 'survives' : 'does not survive'}`);
}
