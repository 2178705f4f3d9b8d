import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freshDir, runCliIn } from './cli-in-dir';

/** Far longer than a failing start-up takes; a child still running then is a hang (killed, and the spec fails). */
const HANG = 60_000;

/**
 * Issue 12: `--store /proc/x` spun at 100% CPU forever and ignored SIGTERM (Node's recursive mkdir loops on
 * ENOENT from /proc). A store directory that cannot be created must fail at once, naming the path and the way out.
 */
describe('--store /proc/x spins at 100% CPU forever', () => {
  const cwd = freshDir('nas-proc-');
  after(() => rmSync(cwd, { recursive: true, force: true }));

  for (const args of [['experiments', '--store', '/proc/x'], ['run', '--generator', 'sim', '--store', '/proc/x/ledger'], ['events', 'verify', '--store', '/proc/x']]) {
    it(`${args.join(' ')}: exits UNAVAILABLE with a hint`, async () => {
      const result = await runCliIn(cwd, args, {}, HANG);
      assert.equal(result.timedOut, false, `still running after ${HANG} ms: ${result.output}`);
      assert.equal(result.code, 9, result.output);
      assert.match(result.output, /\/proc\/x/);
      assert.match(result.output, /--store|NAS_LEDGER_STORE/);
    });
  }

  it('NAS_LEDGER_STORE under a regular file: exits UNAVAILABLE too', async () => {
    const file = join(cwd, 'a-file');
    writeFileSync(file, 'not a directory');
    const result = await runCliIn(cwd, ['experiments'], { NAS_LEDGER_STORE: join(file, 'ledger') }, HANG);
    assert.equal(result.timedOut, false, result.output);
    assert.equal(result.code, 9, result.output);
    assert.match(result.output, /a-file/);
  });
});
