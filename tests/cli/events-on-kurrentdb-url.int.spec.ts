import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../support/postgres-server';

const MAIN = join(__dirname, '..', '..', 'src', 'cli', 'main.js');

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(MAIN)}).main(process.argv).then((c) => { process.exitCode = c; })`, 'nas-ledger', ...args],
    { encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

// `events verify|export|import --store kurrentdb://…` stopped with UNSUPPORTED (exit 11) before trying the server:
// the events commands opened only SQL stores. They now open the KurrentDB adapter like every other command, so an
// unreachable server is UNAVAILABLE (exit 9) with the adapter's hint.
describe('events commands on a kurrentdb:// store', () => {
  it('reach the KurrentDB adapter (an unreachable server is UNAVAILABLE, not UNSUPPORTED)', async () => {
    const port = await freePort();
    const store = `kurrentdb://127.0.0.1:${port}?tls=false`;
    for (const args of [['events', 'verify', '--store', store], ['events', 'export', '--store', store], ['events', 'head', '--store', store]]) {
      const result = cli(args);
      assert.equal(result.status, 9, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, /UNAVAILABLE/);
      assert.doesNotMatch(result.stderr, /UNSUPPORTED/);
    }
  });
});
