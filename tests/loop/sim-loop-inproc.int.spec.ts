import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadExperimentConfig } from '../../src/config/load-config';
import { runLoop } from '../../src/app/run-loop';
import { openEventStore } from '../../src/ledger/open-event-store';
import { assertCompleteAndConsistent, experimentEvents } from './loop-assertions';

describe('the closed loop on the sim backends, in-process bus, embedded store', () => {
  it('runs every cycle through ledger, orchestrator and agents, with admissions and fine-tunes', async () => {
    const store = join(mkdtempSync(join(tmpdir(), 'nas-loop-')), 'ledger');
    const config = loadExperimentConfig({ overrides: { generator: 'sim', cycles: 4, candidatesPerCycle: 12, store, bus: 'inproc', seed: 7 } });
    const { experimentId, view } = await runLoop({ config, agentConcurrency: 4 });
    assert.equal(view.completed, true);
    const reopened = await openEventStore(store);
    try {
      const events = await experimentEvents(reopened, experimentId);
      const { admitted } = assertCompleteAndConsistent(events, 4, 12);
      assert.ok(admitted > 0, 'something was admitted');
      assert.equal(events.filter((e) => e.type === 'GeneratorFineTuned').length, 4, 'one fine-tune per cycle');
      // Novelty was judged in generation order within each cycle.
      const judged = events.filter((e) => e.type === 'NoveltyAssessed').map((e) => (e.data as { candidateId: string }).candidateId);
      assert.deepEqual(judged, [...judged].sort());
    } finally {
      await reopened.close();
    }
  });
});
