import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEventStore } from '../../src/ledger/open-event-store';
import { assertCompleteAndConsistent, experimentEvents } from './loop-assertions';
import { CLI, spawnNode } from './crash-harness';

describe('Ctrl-C stops a run cleanly and resume carries on', () => {
  it('SIGINT mid-run: exit 130, the ledger intact; resume completes the experiment', async () => {
    const store = join(mkdtempSync(join(tmpdir(), 'nas-int-')), 'ledger');
    const run = spawnNode(CLI, ['run', '--generator', 'sim', '--cycles', '4', '--candidates', '8', '--store', store, '--id', 'interrupted'], { NAS_SIM_EVAL_DELAY_MS: '150' });
    const deadline = Date.now() + 60_000;
    while (!/cycle\s+valid%/.test(run.output()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    run.process.kill('SIGINT');
    const code = await run.exited;
    assert.equal(code, 130, run.output());
    assert.match(run.output(), /nas-ledger resume interrupted/);
    const resumed = spawnNode(CLI, ['resume', 'interrupted', '--store', store]);
    assert.equal(await resumed.exited, 0, resumed.output());
    const ledger = await openEventStore(store);
    try {
      assertCompleteAndConsistent(await experimentEvents(ledger, 'interrupted'), 4, 8);
    } finally {
      await ledger.close();
    }
  });
});
