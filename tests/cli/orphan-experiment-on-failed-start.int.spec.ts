import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { freshDir, ledgerState, runCliIn } from './cli-in-dir';

/**
 * Issue 12: `run --device cuda` without a GPU and `--generator llm:/nonexistent` exited with the right status but
 * left an orphan experiment in the ledger; an unwritable `--plot` was only noticed after the whole run. Whatever
 * can be checked is checked before anything is registered: after the failing command the ledger is unchanged.
 */
describe('a run that cannot start leaves an orphan experiment in the ledger', () => {
  const cwd = freshDir('nas-orphan-');
  const store = join(cwd, 'ledger');
  let before_: { head: number; experiments: string[] };
  before(async () => {
    const seed = await runCliIn(cwd, ['run', '--generator', 'sim', '--cycles', '1', '--candidates', '2', '--store', store, '--id', 'already-here']);
    assert.equal(seed.code, 0, seed.output);
    before_ = await ledgerState(store);
    assert.deepEqual(before_.experiments, ['already-here']);
  });
  after(() => rmSync(cwd, { recursive: true, force: true }));

  async function assertLedgerUnchanged(): Promise<void> {
    const now = await ledgerState(store);
    assert.deepEqual(now.experiments, before_.experiments, 'a new experiment was registered');
    assert.equal(now.head, before_.head, 'events were appended');
    const listed = await runCliIn(cwd, ['experiments', '--json', '--store', store]);
    assert.equal(listed.code, 0, listed.output);
    assert.equal((JSON.parse(listed.stdout) as unknown[]).length, 1, listed.stdout);
  }

  it('--device cuda:<a GPU this machine does not have>: UNAVAILABLE, nothing registered', async () => {
    const run = await runCliIn(cwd, ['run', '--generator', 'grammar', '--cycles', '1', '--candidates', '2', '--device', 'cuda:97', '--store', store]);
    assert.equal(run.code, 9, run.output);
    assert.match(run.output, /cuda|CUDA|GPU/);
    await assertLedgerUnchanged();
  });

  it('--generator llm:/nonexistent: NOT_FOUND, nothing registered', async () => {
    const run = await runCliIn(cwd, ['run', '--generator', 'llm:/nonexistent/model', '--cycles', '1', '--candidates', '2', '--device', 'cpu', '--store', store]);
    assert.equal(run.code, 3, run.output);
    assert.match(run.output, /\/nonexistent\/model/);
    await assertLedgerUnchanged();
  });

  it('a dataset that is not where the runner looks: NOT_FOUND before the run, nothing registered', async () => {
    const data = join(cwd, 'no-datasets-here');
    const run = await runCliIn(cwd, ['run', '--generator', 'grammar', '--cycles', '1', '--candidates', '2', '--device', 'cpu', '--store', store],
      { NAS_LEDGER_DATA: data });
    assert.equal(run.code, 3, run.output);
    assert.match(run.output, /no-datasets-here/);
    assert.match(run.output, /NAS_LEDGER_DATA/, 'the message says where to put the files or what to point elsewhere');
    await assertLedgerUnchanged();
  });

  it('--plot into a directory that does not exist: BAD_INPUT before the run, nothing registered', async () => {
    const plot = join(cwd, 'no-such-dir', 'plot.svg');
    const run = await runCliIn(cwd, ['run', '--generator', 'sim', '--cycles', '1', '--candidates', '2', '--store', store, '--plot', plot]);
    assert.equal(run.code, 2, run.output);
    assert.match(run.output, /no-such-dir/);
    assert.doesNotMatch(run.output, /follow up:/, 'the run went ahead before the plot path was checked');
    await assertLedgerUnchanged();
  });
});
