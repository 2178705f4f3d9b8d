import { log, printJson, printLine, shownStore } from '../cli-context';
import { loadExperimentConfig } from '../../config/load-config';
import { openEventStore } from '../../ledger/open-event-store';
import { newGroupId, parseNoveltyThresholds, parseSeeds } from '../../app/seed-groups';
import { ablationVariants, noveltySweepAtHead, noveltySweepVariants, runGroup, seededAblationRows, type SeededAblationRow } from '../../app/ablation-groups';
import { overridesFrom, interruptSignal } from './run.command';
import type { AcrossSeeds } from '../../../projections/experiment-groups/query';
import { printNoveltySweep } from '../queries/group-tables';
import { interval, percent, renderTable } from '../queries/table';

/** `ablate --seeds` (Table 3 across seeds) and `ablate --novelty-thresholds` (the τ sweep), each recorded as one group. */
export async function ablateAsGroup(flags: { config?: string; concurrency?: number; json?: boolean } & Record<string, unknown>): Promise<void> {
  const thresholds = flags.noveltyThresholds === undefined ? null : parseNoveltyThresholds(flags.noveltyThresholds as string);
  const base = loadExperimentConfig({ file: flags.config, overrides: overridesFrom(flags) });
  // A sweep may run one seed (the config's); Table 3 across seeds needs at least two.
  const seeds = flags.seeds === undefined ? [base.seed] : parseSeeds(flags.seeds as string);
  const variants = thresholds ? noveltySweepVariants(base, thresholds) : ablationVariants(base);
  const groupId = typeof flags.groupId === 'string' ? flags.groupId : newGroupId(thresholds ? `${base.name}-novelty-sweep` : `${base.name}-ablate`);
  log(`${thresholds ? `novelty sweep τ ∈ {${thresholds.join(', ')}}` : 'ablations'} with seeds ${seeds.join(', ')} as group ${groupId}, store ${shownStore(base.store)}`);
  const { signal, dispose } = interruptSignal();
  const store = await openEventStore(base.store);
  try {
    const runs = await runGroup({ groupId, seeds, variants, store, signal, agentConcurrency: flags.concurrency, log });
    if (thresholds) {
      const sweep = await noveltySweepAtHead(store, groupId);
      if (flags.json) printJson(sweep);
      else printNoveltySweep(sweep, base.threshold);
    } else {
      const rows = await seededAblationRows(store, runs, variants);
      if (flags.json) printJson({ groupId, seeds, rows });
      else printSeededAblation(rows);
    }
    if (!flags.json) printLine(`group ${groupId}: ${runs.map((r) => r.experimentId).join(', ')}`);
  } finally {
    dispose();
    await store.close();
  }
}

function printSeededAblation(rows: readonly SeededAblationRow[]): void {
  printLine('Table 3 across seeds: mean over seeds [t 95% interval across seeds]');
  const count = (x: AcrossSeeds): string => `${x.mean?.toFixed(1) ?? '-'} ${interval(x.ci, 1, 1)}`;
  printLine(renderTable(['variant', 'seeds', 'valid %', 'mean acc %', '≥ τ %', 'admitted', 'distinct (text)', 'distinct (structure)', 'near-dup pairs'],
    rows.map((r) => [
      r.variant, String(r.runs.length),
      `${percent(r.validRate.mean)} ${interval(r.validRate.ci, 100, 1)}`, `${percent(r.meanAccuracy.mean)} ${interval(r.meanAccuracy.ci, 100, 1)}`,
      `${percent(r.aboveThreshold.mean)} ${interval(r.aboveThreshold.ci, 100, 1)}`, count(r.admitted),
      count(r.distinctAdmittedText), count(r.distinctAdmittedStructural), count(r.nearDuplicatePairsAdmitted),
    ])));
}
