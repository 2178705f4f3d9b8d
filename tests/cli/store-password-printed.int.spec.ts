import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { freshDir, runCliIn } from './cli-in-dir';
import { startPostgres, type PostgresServer } from '../support/postgres-server';

const SECRET = 'hunter2-Zq81';

/** The server trusts local connections, so a URL with a password connects: the password is only there to leak. */
function withPassword(url: string): string {
  const u = new URL(url);
  u.password = SECRET;
  return u.toString();
}

/** Issue 12: run's banner and its "follow up" line printed the postgres:// password. */
describe("run's banner and follow-up line print the postgres:// password", () => {
  let pg: PostgresServer;
  const cwd = freshDir('nas-mask-');
  before(async () => { pg = await startPostgres(); });
  after(async () => { await pg?.stop(); rmSync(cwd, { recursive: true, force: true }); });

  it('--store postgres://user:PASSWORD@…: no output line carries the password', async () => {
    const store = withPassword(await pg.createDatabase('mask_flag'));
    const run = await runCliIn(cwd, ['run', '--generator', 'sim', '--cycles', '1', '--candidates', '2', '--store', store]);
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /follow up:/);
    assert.match(run.output, /\*\*\*/, 'the store URL is shown masked');
    assert.doesNotMatch(run.output, new RegExp(SECRET));
  });

  it('NAS_LEDGER_STORE=postgres://…: not in the output, not in the recorded config, not in an error', async () => {
    const store = withPassword(await pg.createDatabase('mask_env'));
    const env = { NAS_LEDGER_STORE: store };
    const run = await runCliIn(cwd, ['run', '--generator', 'sim', '--cycles', '1', '--candidates', '2'], env);
    assert.equal(run.code, 0, run.output);
    assert.doesNotMatch(run.output, new RegExp(SECRET));
    const exported = await runCliIn(cwd, ['events', 'export'], env);
    assert.equal(exported.code, 0, exported.output);
    assert.match(exported.stdout, /ExperimentRegistered/);
    assert.doesNotMatch(exported.stdout, new RegExp(SECRET), 'the password was recorded in the ledger');
    const unreachable = new URL(store);
    unreachable.port = '1';
    const failed = await runCliIn(cwd, ['experiments', '--store', unreachable.toString()]);
    assert.equal(failed.code, 9, failed.output);
    assert.doesNotMatch(failed.output, new RegExp(SECRET));
  });
});
