import { printLine } from '../cli-context';
import type { AcrossSeeds } from '../../../projections/experiment-groups/query';
import type { GroupStatsResult } from '../../queries/get-group-stats/get-group-stats.query';
import type { NoveltySweepResult } from '../../queries/get-novelty-sweep/get-novelty-sweep.query';
import type { TheoryResult } from '../../queries/get-theory/get-theory.query';
import { describeResultPoint } from './as-of-options';
import { fixed, interval, percent, renderTable } from './table';

const meanCell = (m: AcrossSeeds, asPercent = false): string =>
  m.mean === null ? '-' : asPercent ? `${percent(m.mean)} ${interval(m.ci, 100, 1)}` : `${fixed(m.mean)} ${interval(m.ci)}`;
const countCell = (m: AcrossSeeds): string => (m.mean === null ? '-' : `${m.mean.toFixed(1)} ${interval(m.ci, 1, 1)}`);

export function printGroupStats(result: GroupStatsResult): void {
  printLine(`group ${result.groupId}, seeds ${result.seeds.join(', ')}, ${describeResultPoint(result)}`);
  printLine('across-seed mean [t 95% interval]; `stats --group --json` has every metric with each run\'s value');
  if (result.cycles.length === 0) { printLine('no cycle has started yet'); return; }
  const header = ['variant', 'cycle', 'runs', 'valid rate', 'mean acc', 'best', '≥τ', 'admitted', 'elite conc.', 'diversity'];
  const rows = result.cycles.map((c) => [
    c.variant || '-', String(c.cycle), `${c.completedRuns}/${c.experimentIds.length}`,
    meanCell(c.metrics.validRate, true), meanCell(c.metrics.meanAccuracy), meanCell(c.metrics.bestAccuracy),
    meanCell(c.metrics.aboveThreshold, true), countCell(c.metrics.admitted), meanCell(c.metrics.eliteConcentration, true), meanCell(c.metrics.diversity),
  ]);
  printLine(renderTable(header, rows));
  for (const member of result.members) printLine(`  ${member.variant ? `${member.variant}, ` : ''}seed ${member.seed}: ${member.experimentId}`);
}

export function printNoveltySweep(result: NoveltySweepResult, threshold: number | null): void {
  printLine(`novelty-threshold sweep ${result.groupId}, ${describeResultPoint(result)}`);
  printLine(`τ: near-duplicate Jaccard threshold; turned away: candidates at or above the accuracy threshold${threshold === null ? '' : ` ${threshold}`} that the filter kept out`);
  const header = ['τ', 'seeds', 'admitted', 'diversity', 'min distance', 'turned away', 'acc turned away', 'acc admitted', 'turned away > median admitted'];
  const rows = result.rows.map((r) => [
    String(r.tau), String(r.seeds.length), countCell(r.admitted), meanCell(r.diversity), meanCell(r.minDistance), countCell(r.turnedAway),
    fixed(r.turnedAwayMeanAccuracy), fixed(r.admittedMeanAccuracy), String(r.turnedAwayBetterThanMedianAdmitted),
  ]);
  printLine(renderTable(header, rows));
}

export function printTheory(result: TheoryResult): void {
  const side = (s: TheoryResult['target']) => `${s.kind} ${s.id}${s.kind === 'group' ? ` (${s.experimentIds.length} runs)` : ''}`;
  printLine(`theory check of ${side(result.target)}${result.against ? ` against ${side(result.against)}` : ''}, ${describeResultPoint(result)}`);
  printLine(renderTable(['result', 'prediction', 'observed', 'verdict'], result.rows.map((r) => [r.result, r.prediction, r.observed, r.verdict])));
  printLine('`theory --json` has the figures behind each row and the experiments it was computed from.');
}
