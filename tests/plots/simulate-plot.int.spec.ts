import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { xPixel } from '../../src/plots/svg-chart';

const MAIN = join(__dirname, '..', '..', 'src', 'cli', 'main.js');
const dir = mkdtempSync(join(tmpdir(), 'nas-ledger-simplot-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('nas-ledger simulate --plot', () => {
  it('shades the phases the study detected and draws one point per cycle for each trajectory', () => {
    const file = join(dir, 'sim.svg');
    const script = `require(${JSON.stringify(MAIN)}).main(['node', 'nas-ledger', ...process.argv.slice(1)]).then((c) => { process.exitCode = c; })`;
    const stdout = execFileSync(process.execPath, ['-e', script, 'simulate', '--cycles', '12', '--population', '20', '--trials', '2',
      '--json', '--plot', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const report = JSON.parse(stdout) as { phases: Record<'exploration' | 'transition' | 'specialisation', [number, number]>; trajectory: unknown[] };
    const svg = readFileSync(file, 'utf8');
    for (const phase of ['exploration', 'transition', 'specialisation'] as const) {
      const rects = [...svg.matchAll(new RegExp(`<rect class="region" data-label="${phase}" x="([\\d.]+)" y="[\\d.]+" width="([\\d.]+)"`, 'g'))];
      assert.equal(rects.length, 3, `${phase} is shaded in each of the three panels`);
      const [from, to] = report.phases[phase];
      const x0 = Number(rects[0]![1]);
      const x1 = x0 + Number(rects[0]![2]);
      assert.ok(x0 <= xPixel(from - 1, 12) && xPixel(to - 1, 12) <= x1 + 0.1, `${phase} ${from}-${to} lies inside its band`);
    }
    for (const label of ['validity', 'fitness', 'novelty', 'diversity', 'rate']) {
      const line = new RegExp(`data-label="${label}" points="([^"]+)"`).exec(svg);
      assert.ok(line, `a line for ${label}`);
      assert.equal(line[1]!.split(' ').length, report.trajectory.length);
    }
  });
});
