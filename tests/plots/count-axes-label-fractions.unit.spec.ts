/**
 * `make run --plot` labelled the corpus-size axis 37, 45.3, 53.5, 61.8, 70 and an admitted axis of 0–5 with 1.3 and
 * 3.8: five evenly spaced ticks over any span. A count's axis now labels whole numbers only.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CycleStatsRow } from '../../projections/cycle-statistics/view';
import { renderCycleStatsSvg } from '../../src/plots/cycle-stats-chart';
import { cycleRow as row } from './cycle-row';

/** The y-axis labels of the panel titled `title`, bottom to top as drawn. */
function axisLabels(svg: string, title: string): string[] {
  const panel = new RegExp(`<g class="panel" data-title="${title}"[^>]*>([\\s\\S]*?)</g>`).exec(svg);
  assert.ok(panel, `no panel ${title}`);
  return [...panel[1]!.matchAll(/<text [^>]*text-anchor="end"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
}

describe('count axes label fractions (45.3, 1.3) instead of whole numbers', () => {
  const rows = [row(1, 5, 40), row(2, 12, 52), row(3, 10, 62), row(4, 2, 64), row(5, 2, 66), row(6, 1, 67)];
  const cases: [string, readonly CycleStatsRow[]][] = [
    ['corpus size', rows],
    ['admitted per cycle', rows],
    ['admitted per cycle', rows.map((r) => ({ ...r, admitted: r.cycle % 6 }))],
    ['admitted per cycle', rows.map((r) => ({ ...r, admitted: r.cycle % 2 }))],
  ];
  for (const [title, data] of cases) {
    it(`${title} (${data.map((r) => title === 'corpus size' ? r.corpusSize : r.admitted).join(', ')}) labels whole numbers`, () => {
      const labels = axisLabels(renderCycleStatsSvg('exp', 'as of the head', data), title);
      assert.ok(labels.length >= 2, `only ${labels.length} label(s)`);
      for (const label of labels) assert.match(label, /^\d+$/, `axis label ${label} in ${labels.join(', ')}`);
    });
  }
});
