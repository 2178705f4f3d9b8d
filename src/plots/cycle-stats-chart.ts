import type { CycleStatsRow } from '../../projections/cycle-statistics/view';
import { renderChartSvg, type ChartSpec } from './svg-chart';

const percentFormat = (v: number) => `${Math.round(v * 100)}%`;

/** The corpus grows by a few entries from dozens: its axis spans the data (with a margin), not 0 to the top. */
export function corpusRange(rows: readonly Pick<CycleStatsRow, 'corpusSize'>[]): [number, number] {
  if (rows.length === 0) return [0, 1];
  const low = Math.min(...rows.map((row) => row.corpusSize));
  const high = Math.max(...rows.map((row) => row.corpusSize));
  const margin = Math.max(1, Math.ceil((high - low) * 0.1));
  return [Math.max(0, low - margin), high + margin];
}

/**
 * The paper's per-cycle trajectories in five panels: validity, accuracy (mean with its 95% t interval, best, τ),
 * admissions, corpus size, and the two population figures (elite concentration, diversity).
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
      // Admissions (a few per cycle) and the corpus (dozens of entries) each get their own axis: on one, the
      // admitted line lay flat on the floor.
      {
        title: 'admitted per cycle', yRange: [0, Math.max(1, ...rows.map((row) => row.admitted))], integerTicks: true,
        series: [{ label: 'admitted', color: '#9467bd', values: rows.map((row) => row.admitted) }],
      },
      {
        title: 'corpus size', yRange: corpusRange(rows), integerTicks: true,
        series: [{ label: 'corpus size', color: '#8c564b', values: rows.map((row) => row.corpusSize) }],
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
