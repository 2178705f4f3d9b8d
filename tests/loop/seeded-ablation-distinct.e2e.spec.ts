/**
 * `ablate --seeds` printed Table 3 across seeds without the columns single-seed `ablate` prints for the paper's
 * "novel models": admitted programs distinct by text and by structure, and near-duplicate pairs in the corpus. The
 * seeded table and its JSON now carry them, the mean across seeds of each run's own figure.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli-child';

interface AcrossSeeds { mean: number | null; values: (number | null)[] }
interface RunRow { distinctAdmittedText: number; distinctAdmittedStructural: number; nearDuplicatePairsAdmitted: number }
type Figure = keyof RunRow;
type SeededRow = { variant: string; runs: RunRow[] } & Record<Figure, AcrossSeeds>;

const FIGURES: readonly Figure[] = ['distinctAdmittedText', 'distinctAdmittedStructural', 'nearDuplicatePairsAdmitted'];
const ARGS = ['ablate', '--seeds', '1,2', '--generator', 'sim', '--cycles', '2', '--candidates', '6'];

describe('ablate --seeds left out the distinct-admitted columns that single-seed ablate prints', () => {
  const store = join(mkdtempSync(join(tmpdir(), 'nas-seeded-ablate-')), 'ledger');

  it('--json: each variant has every figure across seeds, the mean of its runs\' own figures', async () => {
    const run = await runCli([...ARGS, '--group-id', 'g-json', '--store', store, '--json']);
    assert.equal(run.code, 0, run.stderr);
    const { rows } = JSON.parse(run.stdout) as { rows: SeededRow[] };
    assert.equal(rows.length, 4);
    for (const row of rows) {
      for (const figure of FIGURES) {
        const own = row.runs.map((r) => r[figure]);
        assert.deepEqual(row[figure].values, own, `${row.variant} ${figure}`);
        assert.equal(row[figure].mean, own.reduce((s, v) => s + v, 0) / own.length, `${row.variant} ${figure}`);
      }
    }
  });

  it('the table has the distinct and near-duplicate columns', async () => {
    const run = await runCli([...ARGS, '--group-id', 'g-table', '--store', store]);
    assert.equal(run.code, 0, run.stderr);
    const header = run.stdout.split('\n').find((line) => line.startsWith('variant'));
    assert.ok(header, run.stdout);
    assert.match(header, /distinct \(text\)/);
    assert.match(header, /distinct \(structure\)/);
    assert.match(header, /near-dup pairs/);
  });
});
