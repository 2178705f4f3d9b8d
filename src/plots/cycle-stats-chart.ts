import type { CycleStatsRow } from '../../projections/cycle-statistics/view';
import { renderChartSvg, type ChartSpec } from './svg-chart';

const percentFormat = (v: number) => `${Math.round(v * 100)}%`;

/**
 * The paper's per-cycle trajectories in four panels: validity, accuracy (mean with its 95% t interval, best, τ),
 * admissions and corpus size, and the two population figures (elite concentration, diversity).
 */
export function cycleStatsChartSpec(experimentId: string, pointLabel: string, rows: readonly CycleStatsRow[]): ChartSpec {
  const threshold = rows[0]?.threshold;
  return {
    title: `nas-ledger · ${experimentId}`,
    subtitle: pointLabel,
    xLabel: 'cycle',
    x: rows.map((row) => row.cycle),
    panels: [
      {
        title: 'valid rate (95% Wilson interval)', yRange: [0, 1], yFormat: percentFormat,
        series: [{ label: 'valid rate', color: '#1f77b4', values: rows.map((row) => row.validRate), band: rows.map((row) => row.validRateCI) }],
      },
      {
        title: 'accuracy of valid candidates', yRange: [0, 1], yFormat: percentFormat,
        rules: threshold === undefined ? [] : [{ label: `τ = ${threshold}`, value: threshold }],
        series: [
          { label: 'mean (95% t)', color: '#2ca02c', values: rows.map((row) => row.meanAccuracy), band: rows.map((row) => row.meanAccuracyCI) },
          { label: 'best', color: '#ff7f0e', values: rows.map((row) => row.bestAccuracy), dashed: true },
        ],
      },
      {
        title: 'admissions and corpus',
        series: [
          { label: 'admitted', color: '#9467bd', values: rows.map((row) => row.admitted) },
          { label: 'corpus size', color: '#8c564b', values: rows.map((row) => row.corpusSize), dashed: true },
        ],
      },
      {
        title: 'population', yRange: [0, 1], yFormat: (v) => v.toFixed(2),
        series: [
          { label: 'elite conc.', color: '#d62728', values: rows.map((row) => row.eliteConcentration) },
          { label: 'diversity', color: '#17becf', values: rows.map((row) => row.diversity) },
          { label: 'novelty', color: '#7f7f7f', values: rows.map((row) => row.novelty), dashed: true },
        ],
      },
    ],
  };
}

export function renderCycleStatsSvg(experimentId: string, pointLabel: string, rows: readonly CycleStatsRow[]): string {
  return renderChartSvg(cycleStatsChartSpec(experimentId, pointLabel, rows));
}
