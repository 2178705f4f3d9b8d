import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isEvent } from '../../domain/experiment/ledger-event';
import type { RecordedEvent } from '../../domain/shared/event-envelope';
import { loadExperimentConfig } from '../../src/config/load-config';
import { runLoop } from '../../src/app/run-loop';
import { openEventStore } from '../../src/ledger/open-event-store';
import { experimentEventsOf } from '../../src/app/experiment-events';

interface CycleDraws { generated: number; nearDuplicates: number; others: number; redrawJobs: Set<string> }

/** Per cycle: draws, the draws judged near-duplicates, and every other draw (invalid, or judged novel). */
function drawsByCycle(events: readonly RecordedEvent[]): Map<number, CycleDraws> {
  const cycles = new Map<number, CycleDraws>();
  const of = (cycle: number): CycleDraws => {
    let c = cycles.get(cycle);
    if (!c) { c = { generated: 0, nearDuplicates: 0, others: 0, redrawJobs: new Set() }; cycles.set(cycle, c); }
    return c;
  };
  const cycleOf = new Map<string, number>();
  for (const e of events) {
    if (isEvent(e, 'CandidateGenerated')) { of(e.data.cycle).generated++; cycleOf.set(e.data.candidateId, e.data.cycle); }
    if (isEvent(e, 'CandidateRejected')) of(cycleOf.get(e.data.candidateId)!).others++;
    if (isEvent(e, 'NoveltyAssessed')) {
      const c = of(e.data.cycle);
      if (e.data.nearDupTextTrain || e.data.nearDupTextGen) c.nearDuplicates++; else c.others++;
    }
    if (isEvent(e, 'JobClaimed') && /:redraw-\d+$/.test(e.data.jobId)) of(Number(/:(\d+):redraw-/.exec(e.data.jobId)![1])).redrawJobs.add(e.data.jobId);
  }
  return cycles;
}

async function runSim(overrides: Record<string, unknown>) {
  const store = join(mkdtempSync(join(tmpdir(), 'nas-rejection-')), 'ledger');
  const config = loadExperimentConfig({ overrides: { generator: 'sim', cycles: 3, candidatesPerCycle: 10, seed: 3, store, ...overrides } });
  const { experimentId, view } = await runLoop({ config, agentConcurrency: 4 });
  assert.equal(view.completed, true);
  const ledger = await openEventStore(store);
  try {
    return { config, events: await experimentEventsOf(ledger, experimentId) };
  } finally {
    await ledger.close();
  }
}

describe('the sampling rejection loop (seed 001, A.2) as a config switch', () => {
  it('answers every near-duplicate with a re-draw that has its own events, so each cycle still ends with its planned count of non-duplicates', async () => {
    const { config, events } = await runSim({ rejectionSampling: true, maxRedraws: 50, threshold: 0.3 });
    const cycles = drawsByCycle(events);
    let redrawn = 0;
    for (const [cycle, c] of cycles) {
      assert.equal(c.others, config.candidatesPerCycle, `cycle ${cycle}: planned count of non-duplicate draws`);
      assert.equal(c.generated, config.candidatesPerCycle + c.nearDuplicates, `cycle ${cycle}: one re-draw per near-duplicate`);
      assert.equal(c.redrawJobs.size, c.nearDuplicates, `cycle ${cycle}: one generate job per re-draw, named by its index`);
      redrawn += c.nearDuplicates;
    }
    assert.ok(redrawn > 0, 'the sim generator wrote near-duplicates to re-draw');
    // Every draw is decided: rejected, or judged and admitted / not admitted.
    const decided = events.filter((e) => e.type === 'CandidateRejected' || e.type === 'CandidateAdmitted' || e.type === 'CandidateNotAdmitted').length;
    assert.equal(decided, events.filter((e) => e.type === 'CandidateGenerated').length);
  });

  it('is bounded: with no re-draws allowed a slot keeps its near-duplicate, and off (the default) nothing is re-drawn', async () => {
    for (const overrides of [{ rejectionSampling: true, maxRedraws: 0 }, {}]) {
      const { config, events } = await runSim({ ...overrides, threshold: 0.3 });
      for (const [cycle, c] of drawsByCycle(events)) {
        assert.equal(c.generated, config.candidatesPerCycle, `cycle ${cycle} with ${JSON.stringify(overrides)}`);
        assert.equal(c.redrawJobs.size, 0);
      }
    }
  });
});
