import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { freshDir, runCliIn } from './cli-in-dir';
import { freePort } from '../support/postgres-server';

/** Far longer than the bus's bounded connect; a child still running then is the hang (killed, and the spec fails). */
const HANG = 90_000;

/** Issue 12: `agent --bus kafka://…` with no broker printed UNAVAILABLE and then never exited. */
describe('agent with no Kafka broker prints UNAVAILABLE but never exits', () => {
  const cwd = freshDir('nas-agent-kafka-');
  after(() => rmSync(cwd, { recursive: true, force: true }));

  it('exits 9 (UNAVAILABLE), naming the broker', async () => {
    const port = await freePort(); // nothing listens there
    const result = await runCliIn(cwd, ['agent', '--bus', `kafka://127.0.0.1:${port}`, '--store', join(cwd, 'ledger'), '--device', 'cpu', '--workers', '1'], {}, HANG);
    assert.equal(result.timedOut, false, `agent still running after ${HANG} ms:\n${result.output}`);
    assert.equal(result.code, 9, result.output);
    assert.match(result.output, /UNAVAILABLE/);
    assert.match(result.output, new RegExp(`127\\.0\\.0\\.1:${port}`));
  });
});
