import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isEvent } from '../../domain/experiment/ledger-event';
import { loadExperimentConfig } from '../../src/config/load-config';
import { runLoop } from '../../src/app/run-loop';
import { openEventStore } from '../../src/ledger/open-event-store';
import { experimentEventsOf } from '../../src/app/experiment-events';

/** What a reader compares across two runs: the programs and their numbers, not the ids that name them. */
async function fingerprintOfRun(events: Awaited<ReturnType<typeof experimentEventsOf>>) {
  return {
    generated: events.filter((e) => isEvent(e, 'CandidateGenerated')).map((e) => isEvent(e, 'CandidateGenerated') ? `${e.data.cycle}/${e.data.index}:${e.data.codeHash}` : ''),
    accuracies: events.filter((e) => isEvent(e, 'CandidateEvaluated')).map((e) => isEvent(e, 'CandidateEvaluated') ? `${e.data.cycle}:${e.data.accuracy}` : '').sort(),
    admitted: events.filter((e) => isEvent(e, 'CandidateAdmitted')).length,
  };
}

// `ablate --generator sim` twice with the same seed gave different results: the sim generator's seed included the
// experiment id, so the same config and seed drew other programs in every experiment.
describe('sim runs with the same config and seed', () => {
  it('give the same programs and numbers in two experiments (the sim seed did include the experiment id)', async () => {
    const store = join(mkdtempSync(join(tmpdir(), 'nas-sim-same-seed-')), 'ledger');
    const ledger = await openEventStore(store);
    try {
      const config = loadExperimentConfig({ overrides: { generator: 'sim', cycles: 3, candidatesPerCycle: 8, seed: 5, store } });
      const first = await runLoop({ config, store: ledger, agentConcurrency: 2 });
      const second = await runLoop({ config, store: ledger, agentConcurrency: 2 });
      assert.notEqual(first.experimentId, second.experimentId);
      const a = await fingerprintOfRun(await experimentEventsOf(ledger, first.experimentId));
      const b = await fingerprintOfRun(await experimentEventsOf(ledger, second.experimentId));
      assert.equal(a.generated.length, 24);
      assert.deepEqual(b.generated.sort(), a.generated.sort());
      assert.deepEqual(b.accuracies, a.accuracies);
      assert.equal(b.admitted, a.admitted);
    } finally {
      await ledger.close();
    }
  });
});
