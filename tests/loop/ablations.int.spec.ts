import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordedEvent } from '../../domain/shared/event-envelope';
import { loadExperimentConfig } from '../../src/config/load-config';
import { runLoop } from '../../src/app/run-loop';
import { openEventStore } from '../../src/ledger/open-event-store';
import { experimentEventsOf } from '../../src/app/experiment-events';
import { ABLATION_VARIANTS } from '../../src/app/ablation-table';
import { SIM_SEED_CORPUS_SIZE } from '../../gpu-agent/simulation/sim-backends';

const data = <T>(e: RecordedEvent) => e.data as T;

describe('ablation switches change what is admitted, as in the paper', () => {
  it('full / no novelty / no threshold / no iteration on the same seeds', async () => {
    const store = join(mkdtempSync(join(tmpdir(), 'nas-ablate-')), 'ledger');
    const runs = new Map<string, RecordedEvent[]>();
    let threshold = 0;
    const ledger = await openEventStore(store);
    try {
    for (const { variant, switches } of ABLATION_VARIANTS) {
      const base = loadExperimentConfig({ overrides: { generator: 'sim', cycles: 4, candidatesPerCycle: 16, seed: 3, store } });
      threshold = base.threshold;
      const { experimentId } = await runLoop({ config: { ...base, ablations: switches }, store: ledger, agentConcurrency: 4 });
      runs.set(variant, await experimentEventsOf(ledger, experimentId));
    }
    } finally {
      await ledger.close();
    }
    const admittedAcc = (v: string) => runs.get(v)!.filter((e) => e.type === 'CandidateAdmitted').map((e) => data<{ accuracy: number }>(e).accuracy);
    const notAdmitted = (v: string, reason: string) => runs.get(v)!.filter((e) => e.type === 'CandidateNotAdmitted' && data<{ reason: string }>(e).reason === reason).length;
    const nearDupFlagged = (v: string) => runs.get(v)!.filter((e) => e.type === 'NoveltyAssessed' && (data<{ nearDupTextTrain: boolean; nearDupTextGen: boolean }>(e).nearDupTextTrain || data<{ nearDupTextGen: boolean }>(e).nearDupTextGen)).length;

    // Full method: only above-threshold, non-duplicate candidates get in.
    assert.ok(admittedAcc('full').length > 0);
    assert.ok(admittedAcc('full').every((a) => a >= threshold));
    assert.ok(notAdmitted('full', 'below_threshold') > 0, 'the threshold turned candidates away');
    // No threshold: below-threshold candidates are admitted, and more get in overall.
    assert.equal(notAdmitted('no threshold', 'below_threshold'), 0);
    assert.ok(admittedAcc('no threshold').some((a) => a < threshold), 'a below-threshold candidate was admitted');
    // No novelty: novelty is still measured, but never blocks admission.
    assert.equal(notAdmitted('no novelty', 'near_duplicate'), 0);
    assert.ok(nearDupFlagged('no novelty') > 0, 'near-duplicates occurred and were measured');
    assert.ok(notAdmitted('full', 'near_duplicate') > 0, 'the full method turned near-duplicates away');
    // No iteration: one fine-tune, on the seed corpus only; every later cycle skips.
    const noIter = runs.get('no iteration')!;
    const tunes = noIter.filter((e) => e.type === 'GeneratorFineTuneRequested');
    assert.equal(tunes.length, 1);
    assert.equal(data<{ cycle: number; corpusVersion: number }>(tunes[0]!).cycle, 1);
    assert.equal(data<{ corpusVersion: number }>(tunes[0]!).corpusVersion, SIM_SEED_CORPUS_SIZE);
    assert.equal(noIter.filter((e) => e.type === 'GeneratorFineTuneSkipped').length, 3);
    assert.equal(runs.get('full')!.filter((e) => e.type === 'GeneratorFineTuned').length, 4);
  });
});
