import type { MeanMetrics, Phases } from '../../domain/simulation/study';
import { renderChartSvg } from './svg-chart';

/** Seed 003's study as a picture: the averaged trajectories with the detected phases shaded behind them. */
export function renderSimulationSvg(title: string, trajectory: readonly MeanMetrics[], phases: Phases): string {
  const x = trajectory.map((m) => m.cycle);
  const band = (pick: (m: MeanMetrics) => number, sd: (m: MeanMetrics) => number) =>
    trajectory.map((m) => [pick(m) - sd(m), pick(m) + sd(m)] as const);
  return renderChartSvg({
    title,
    subtitle: 'mean over trials, ±1 sd shaded; phases from the derivatives of validity and novelty',
    xLabel: 'cycle',
    x,
    regions: [
      { label: 'exploration', from: phases.exploration[0], to: phases.exploration[1], color: '#1f77b4' },
      { label: 'transition', from: phases.transition[0], to: phases.transition[1], color: '#ff7f0e' },
      { label: 'specialisation', from: phases.specialisation[0], to: phases.specialisation[1], color: '#2ca02c' },
    ],
    panels: [
      {
        title: 'validity and fitness', yRange: [0, 1],
        series: [
          { label: 'validity', color: '#1f77b4', values: trajectory.map((m) => m.validity), band: band((m) => m.validity, (m) => m.sd.validity) },
          { label: 'fitness', color: '#2ca02c', values: trajectory.map((m) => m.fitness), band: band((m) => m.fitness, (m) => m.sd.fitness) },
        ],
      },
      {
        title: 'novelty and diversity', yRange: [0, 1],
        series: [
          { label: 'novelty', color: '#7f7f7f', values: trajectory.map((m) => m.novelty), band: band((m) => m.novelty, (m) => m.sd.novelty) },
          { label: 'diversity', color: '#17becf', values: trajectory.map((m) => m.diversity), band: band((m) => m.diversity, (m) => m.sd.diversity) },
        ],
      },
      {
        title: 'mutation rate (schedule)',
        series: [{ label: 'rate', color: '#9467bd', values: trajectory.map((m) => m.mutationRate) }],
      },
    ],
  });
}
