import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cycleStatisticsProjection } from '../../projections/cycle-statistics/evolve';
import { cycleStatsRows } from '../../projections/cycle-statistics/query';
import { foldEvents } from '../../projections/shared/projection';
import { CHART_GEOMETRY, xPixel, yPixel } from '../../src/plots/svg-chart';
import { buildExperimentHistory, toRecordedEvents } from '../support/ledger-fixtures';
import { seedStore } from '../support/seeded-store';
import { runCli } from '../support/cli-child';

const SEED = 41;
const EXP = `exp-${SEED}`;
const history = buildExperimentHistory({ cycles: 4, candidatesPerCycle: 8, seed: SEED });
let dir: string;

const cli = (...args: string[]) => runCli(args, { NAS_LEDGER_STORE: join(dir, 'ledger') });

/** The points of the polyline drawn for a series, as numbers. */
function seriesPoints(svg: string, label: string): [number, number][] {
  const match = new RegExp(`<polyline class="series" data-label="${label.replace(/[()]/g, '\\$&')}" points="([^"]+)"`).exec(svg);
  assert.ok(match, `no polyline for ${label}`);
  return match[1]!.split(' ').map((pair) => pair.split(',').map(Number) as [number, number]);
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nas-ledger-plot-'));
  await seedStore(join(dir, 'ledger'), [history]);
});

after(() => rmSync(dir, { recursive: true, force: true }));

describe('nas-ledger stats --plot', () => {
  it('writes an SVG whose lines sit where the projection\'s figures are, and keeps the table on stdout', async () => {
    const file = join(dir, 'stats.svg');
    const run = await cli('stats', EXP, '--plot', file);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /valid rate/);
    assert.match(run.stderr, /plot written to/);
    const svg = readFileSync(file, 'utf8');
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.match(svg, /<\/svg>\n$/);

    const rows = cycleStatsRows(foldEvents(cycleStatisticsProjection, toRecordedEvents(history)), EXP)!;
    const g = CHART_GEOMETRY;
    const validRate = seriesPoints(svg, 'valid rate');
    assert.equal(validRate.length, rows.length);
    rows.forEach((row, i) => {
      const [x, y] = validRate[i]!;
      assert.ok(Math.abs(x - xPixel(i, rows.length)) < 0.1, `cycle ${row.cycle} x`);
      assert.ok(Math.abs(y - yPixel(row.validRate!, [0, 1], g.top, g.panelHeight)) < 0.1, `cycle ${row.cycle} valid rate y`);
    });
    const accuracyTop = g.top + g.panelHeight + g.gap;
    const mean = seriesPoints(svg, 'mean (95% t)');
    const withMean = rows.filter((row) => row.meanAccuracy !== null);
    assert.equal(mean.length, withMean.length);
    assert.ok(Math.abs(mean[0]![1] - yPixel(withMean[0]!.meanAccuracy!, [0, 1], accuracyTop, g.panelHeight)) < 0.1);
    assert.match(svg, new RegExp(`τ = ${rows[0]!.threshold}`));
  });

  it('--json with --plot keeps stdout pure JSON', async () => {
    const file = join(dir, 'stats-json.svg');
    const run = await cli('stats', EXP, '--json', '--plot', file);
    assert.equal(run.code, 0, run.stderr);
    assert.equal((JSON.parse(run.stdout) as unknown[]).length, 4);
    assert.match(readFileSync(file, 'utf8'), /<svg/);
  });

  it('an unwritable path is a BAD_INPUT error (exit 2) that says what to pass', async () => {
    const run = await cli('stats', EXP, '--plot', join(dir, 'no-such-dir', 'x.svg'));
    assert.equal(run.code, 2);
    assert.match(run.stderr, /cannot write the plot/);
    assert.match(run.stderr, /writable file path/);
  });
});
