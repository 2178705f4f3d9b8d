import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { LOCK_FILE } from '../../src/ledger/adapters/embedded-lock';
import { openSqlEventStore } from '../../src/ledger/open-event-store';
import { eventStoreContract, expectLedgerError, type StoreHarness } from './event-store.contract';
import { testEvents } from './fixtures/test-events';

const root = mkdtempSync(join(tmpdir(), 'nas-ledger-pglite-'));
let template: Promise<string> | null = null;
let counter = 0;

/** initdb in WASM takes seconds; every test store is a copy of one freshly created empty store. */
function templateDir(): Promise<string> {
  template ??= (async () => {
    const dir = join(root, 'template');
    const store = await openSqlEventStore(dir);
    await store.close();
    return dir;
  })();
  return template;
}

const harness: StoreHarness = {
  name: 'embedded PGlite',
  multiProcess: false,
  async fresh() {
    const dir = join(root, `store-${counter++}`);
    cpSync(await templateDir(), dir, { recursive: true });
    return dir;
  },
  open: (location, options) => openSqlEventStore(location, options),
  // The template outlives the contract suite: the lock tests below copy it too.
  dispose: async () => undefined,
};

after(() => rmSync(root, { recursive: true, force: true }));

eventStoreContract(harness);

describe('embedded store directory lock', () => {
  it('a second process gets LOCKED naming the holder; a stale lock from a dead process is taken over', async () => {
    const dir = await harness.fresh();
    const store = await openSqlEventStore(dir);
    try {
      await store.append('locked-stream', testEvents(1), 'no_stream');
      const probe = `require(${JSON.stringify(join(__dirname, '../../src/ledger/open-event-store.js'))})
        .openSqlEventStore(${JSON.stringify(dir)}).then(() => process.exit(0), (e) => { console.log(JSON.stringify({ code: e.code, message: e.message, hint: e.hint })); process.exit(3); });`;
      let output = '';
      try {
        execFileSync(process.execPath, ['-e', probe], { encoding: 'utf8' });
        assert.fail('the second process opened a locked store');
      } catch (error) {
        output = String((error as { stdout?: string }).stdout);
      }
      const reported = JSON.parse(output) as { code: string; message: string; hint: string };
      assert.equal(reported.code, 'LOCKED');
      assert.match(reported.message, new RegExp(`process ${process.pid}`));
      assert.match(reported.hint, /running nas-ledger process/);
      // Same process, second open: also refused (PGlite cannot share a directory).
      await expectLedgerError(openSqlEventStore(dir), 'LOCKED');
    } finally {
      await store.close();
    }
    assert.equal(existsSync(join(dir, LOCK_FILE)), false, 'close releases the lock');
    // A lock left by a process that no longer exists (kill -9) does not block the next open.
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: 2 ** 22 + 12345, hostname: hostname(), since: 'then' }));
    const reopened = await openSqlEventStore(dir);
    assert.equal(await reopened.head(), 1);
    await reopened.close();
    // Nor does one whose pid now belongs to another (live) process: the recorded start time differs.
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: process.ppid, hostname: hostname(), since: 'then', startTicks: '1' }));
    const recycled = await openSqlEventStore(dir);
    assert.equal(await recycled.head(), 1);
    await recycled.close();
  });
});
