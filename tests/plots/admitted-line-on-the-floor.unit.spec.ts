/**
 * Issue 15: `run --plot` put "admitted" (0–1) and "corpus size" (36–38) on one axis, so the admitted line sat on the
 * floor. Each now has its own panel and axis.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CycleStatsRow } from '../../projections/cycle-statistics/view';
import { cycleStatsChartSpec, renderCycleStatsSvg } from '../../src/plots/cycle-stats-chart';
import { CHART_GEOMETRY } from '../../src/plots/svg-chart';

const row = (cycle: number, admitted: number, corpusSize: number): CycleStatsRow => ({
  cycle, completed: true, generated: 4, valid: 3, validRate: 0.75, validRateCI: [0.3, 0.95], meanAccuracy: 0.6, meanAccuracyCI: [0.4, 0.8],
  medianAccuracy: 0.6, bestAccuracy: 0.7, aboveThreshold: 0.5, aboveThresholdCI: [0.1, 0.9], admitted, corpusSize,
  eliteConcentration: 0.2, diversity: 0.5, novelty: 0.4, threshold: 0.6, rejectionsByStage: {},
} as unknown as CycleStatsRow);

/** The y pixels of the polyline drawn for `label`. */
function seriesYs(svg: string, label: string): number[] {
  const match = new RegExp(`<polyline class="series" data-label="${label}" points="([^"]+)"`).exec(svg);
  assert.ok(match, `no polyline for ${label}`);
  return match[1]!.split(' ').map((pair) => Number(pair.split(',')[1]));
}

describe('run --plot puts admitted (0-1) and corpus size (36-38) on one axis', () => {
  const rows = [row(1, 0, 36), row(2, 1, 37), row(3, 0, 37), row(4, 1, 38)];

  it('admitted and corpus size are drawn in different panels', () => {
    const spec = cycleStatsChartSpec('exp', 'as of the head', rows);
    const holding = (label: string) => spec.panels.findIndex((p) => p.series.some((s) => s.label === label));
    assert.ok(holding('admitted') >= 0 && holding('corpus size') >= 0);
    assert.notEqual(holding('admitted'), holding('corpus size'));
  });

  it('the admitted line spans its panel instead of lying on the floor, and so does the corpus line', () => {
    const svg = renderCycleStatsSvg('exp', 'as of the head', rows);
    for (const label of ['admitted', 'corpus size']) {
      const ys = seriesYs(svg, label);
      const spread = Math.max(...ys) - Math.min(...ys);
      assert.ok(spread > CHART_GEOMETRY.panelHeight / 3, `${label} moves ${spread.toFixed(1)} px of ${CHART_GEOMETRY.panelHeight}`);
    }
  });
});
