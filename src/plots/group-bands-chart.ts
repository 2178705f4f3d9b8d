import type { GroupCycleRow, GroupMetric } from '../../projections/experiment-groups/query';
import { renderChartSvg, type ChartSeries, type ChartSpec } from './svg-chart';

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#17becf', '#7f7f7f'];
const percentFormat = (v: number) => `${Math.round(v * 100)}%`;

/** Per cycle, the across-seed mean of each variant with its t 95% band: validity, accuracy, admissions, elites. */
export function groupBandsChartSpec(groupId: string, pointLabel: string, rows: readonly GroupCycleRow[]): ChartSpec {
  const cycles = [...new Set(rows.map((r) => r.cycle))].sort((a, b) => a - b);
  const variants = [...new Set(rows.map((r) => r.variant))];
  const series = (metric: GroupMetric): ChartSeries[] => variants.map((variant, i) => {
    const at = (cycle: number) => rows.find((r) => r.variant === variant && r.cycle === cycle)?.metrics[metric];
    return {
      label: variant || 'mean', color: PALETTE[i % PALETTE.length]!,
      values: cycles.map((c) => at(c)?.mean ?? null), band: cycles.map((c) => at(c)?.ci ?? null),
    };
  });
  const seeds = rows[0]?.seeds.length ?? 0;
  return {
    title: `nas-ledger · group ${groupId}`,
    subtitle: `${pointLabel}; mean over ${seeds} seed(s), bands t 95% across seeds`,
    xLabel: 'cycle',
    x: cycles,
    panels: [
      { title: 'valid rate', yRange: [0, 1], yFormat: percentFormat, series: series('validRate') },
      { title: 'mean accuracy of valid candidates', yRange: [0, 1], yFormat: percentFormat, series: series('meanAccuracy') },
      { title: 'admitted per cycle', series: series('admitted') },
      { title: 'elite concentration', yRange: [0, 1], yFormat: percentFormat, series: series('eliteConcentration') },
    ],
  };
}

export function renderGroupBandsSvg(groupId: string, pointLabel: string, rows: readonly GroupCycleRow[]): string {
  return renderChartSvg(groupBandsChartSpec(groupId, pointLabel, rows));
}
