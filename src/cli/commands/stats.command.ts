import type { Command } from 'commander';
import { checkWritableFile, printJson, printLine } from '../cli-context';
import { renderCycleStatsSvg } from '../../plots/cycle-stats-chart';
import { writePlotFile } from '../../plots/write-plot';
import { withQueryBus } from '../../queries/query-session';
import type { CycleStatsRow } from '../../../projections/cycle-statistics/view';
import { GetCycleStatsQuery, type CycleStatsResult } from '../../queries/get-cycle-stats/get-cycle-stats.query';
import { addQueryOptions, asOfFromCli, describeResultPoint, type AsOfCliOptions } from '../queries/as-of-options';
import { fixed, interval, percent, renderTable } from '../queries/table';
import { LedgerError } from '../../../domain/shared/ledger-error';
import { groupStats } from '../queries/group-stats-cli';

export function register(program: Command): void {
  addQueryOptions(program.command('stats [experiment]')
    .description('Per-cycle statistics of an experiment (valid rate, accuracy, elites, diversity, novelty), at any point in history.\n' +
      'JSON: one object per cycle; rates are fractions, intervals [low, high] (Wilson 95% for rates, t 95% for the mean).'))
    .option('--plot <file.svg>', 'also draw the per-cycle trajectories (validity, accuracy, admissions, elites/diversity) as an SVG file')
    .option('--group <id>', 'a group of seeds (replicate, ablate --seeds): per cycle the across-seed mean of every metric, t 95% intervals')
    .action(async (experiment: string | undefined, options: AsOfCliOptions & { plot?: string; group?: string }) => {
      const asOf = asOfFromCli(options);
      if (options.plot !== undefined) checkWritableFile('--plot', options.plot);
      if ((experiment === undefined) === (options.group === undefined)) {
        throw new LedgerError('BAD_INPUT', 'stats needs an experiment or --group (one of them)', 'Run `nas-ledger stats <experiment>` or `nas-ledger stats --group <id>`.');
      }
      if (options.group !== undefined) { await groupStats(options.group, asOf, options); return; }
      const result = await withQueryBus(options.store, (bus) => bus.execute(new GetCycleStatsQuery(experiment!, asOf)));
      if (options.json) printJson(statsJsonRows(result.cycles));
      else printStats(result);
      if (options.plot !== undefined) {
        writePlotFile(options.plot, renderCycleStatsSvg(result.experimentId, describeResultPoint(result), result.cycles));
      }
    });
}

function printStats(result: CycleStatsResult): void {
  printLine(`experiment ${result.experimentId}, ${describeResultPoint(result)}, threshold τ = ${result.threshold}`);
  if (result.cycles.length === 0) {
    printLine('no cycle has started yet');
    return;
  }
  const header = ['cycle', 'gen', 'valid', 'valid rate [95% CI]', 'mean acc [95% CI]', 'median', 'best',
    '≥τ [95% CI]', 'admit', 'corpus', 'elite', 'divers', 'novelty', 'rejections'];
  const rows = result.cycles.map((c) => [
    `${c.cycle}${c.completed ? '' : '*'}`, String(c.generated), String(c.valid),
    `${percent(c.validRate)} ${interval(c.validRateCI, 100, 1)}`,
    meanAccuracyCell(c),
    fixed(c.medianAccuracy), fixed(c.bestAccuracy),
    `${percent(c.aboveThreshold)} ${interval(c.aboveThresholdCI, 100, 1)}`,
    String(c.admitted), String(c.corpusSize), percent(c.eliteConcentration), fixed(c.diversity), fixed(c.novelty),
    Object.entries(c.rejectionsByStage).map(([stage, n]) => `${stage}:${n}`).join(' ') || '-',
  ]);
  printLine(renderTable(header, rows));
  if (result.cycles.some((c) => !c.completed)) printLine('* cycle still running at this point');
  for (const note of meanAccuracyNotes(result.cycles)) printLine(note);
  const r = result.reviews;
  printLine(r.reviews === 0 ? `reviews: none yet (nas-ledger review ${result.experimentId})`
    : `reviews: ${r.reviews}; ${r.reviewed} candidate(s) reviewed, ${r.reproduced} reproduced`
      + ` (${Object.entries(r.byVerdict).filter(([k, n]) => k !== 'reproduced' && n > 0).map(([k, n]) => `${n} ${k}`).join(', ') || 'none otherwise'})`);
}

/** Below this many valid candidates a 95% t interval is too wide to say much (n = 2: t = 12.7). */
export const SMALL_SAMPLE = 3;

type MeanAccuracyFigures = Pick<CycleStatsRow, 'valid' | 'meanAccuracy' | 'meanAccuracyCI'>;

const smallSample = (c: MeanAccuracyFigures): boolean => c.meanAccuracyCI !== null && c.valid < SMALL_SAMPLE;
const clipped = (ci: readonly [number, number]): [number, number] => [Math.max(0, ci[0]), Math.min(1, ci[1])];
const outsideUnitRange = (c: MeanAccuracyFigures): boolean => c.meanAccuracyCI !== null && (c.meanAccuracyCI[0] < 0 || c.meanAccuracyCI[1] > 1);

/** The JSON rows: the t interval as computed (never clipped), marked where it rests on fewer than 3 candidates. */
export function statsJsonRows<Row extends MeanAccuracyFigures>(cycles: readonly Row[]): (Row & { meanAccuracyCISmallSample: boolean })[] {
  return cycles.map((c) => ({ ...c, meanAccuracyCISmallSample: smallSample(c) }));
}

/** The printed cell: an accuracy lies in [0, 1], so the interval is shown clipped to it; † marks n < 3. */
export function meanAccuracyCell(c: MeanAccuracyFigures): string {
  return `${fixed(c.meanAccuracy)} ${interval(c.meanAccuracyCI && clipped(c.meanAccuracyCI))}${smallSample(c) ? '†' : ''}`;
}

export function meanAccuracyNotes(cycles: readonly MeanAccuracyFigures[]): string[] {
  const notes: string[] = [];
  if (cycles.some(smallSample)) notes.push(`† fewer than ${SMALL_SAMPLE} valid candidates: the mean's 95% t interval says little`);
  if (cycles.some(outsideUnitRange)) {
    notes.push('mean-accuracy intervals are printed clipped to [0, 1]; `stats --json` has the t interval as computed');
  }
  return notes;
}
