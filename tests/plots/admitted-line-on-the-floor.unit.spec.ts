/**
 * Issue 15: `run --plot` put "admitted" (0–1) and "corpus size" (36–38) on one axis, so the admitted line sat on the
 * floor. Each now has its own panel and axis.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cycleStatsChartSpec, renderCycleStatsSvg } from '../../src/plots/cycle-stats-chart';
import { cycleRow as row } from './cycle-row';
import { CHART_GEOMETRY } from '../../src/plots/svg-chart';

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
