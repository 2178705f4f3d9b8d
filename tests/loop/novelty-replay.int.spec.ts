import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadExperimentConfig } from '../../src/config/load-config';
import { runLoop } from '../../src/app/run-loop';
import { openEventStore } from '../../src/ledger/open-event-store';
import { NoveltyIndex } from '../../domain/novelty/novelty-index';
import type { ExperimentConfig } from '../../domain/experiment/config';
import { experimentEvents } from './loop-assertions';

const VERDICT_FIELDS = ['jTrain', 'jGen', 'nearestTrainId', 'nearestGenId', 'nearDupTextTrain', 'nearDupTextGen', 'rejectionCount', 'signature'] as const;

describe("the orchestrator's novelty verdicts are a NoveltyIndex over the ledger's events", () => {
  it('re-assessing every candidate from its source, in log order, reproduces each NoveltyAssessed verdict', async () => {
    const store = join(mkdtempSync(join(tmpdir(), 'nas-novelty-replay-')), 'ledger');
    const config = loadExperimentConfig({ overrides: { generator: 'sim', cycles: 3, candidatesPerCycle: 10, store, bus: 'inproc', seed: 11 } });
    const { experimentId, view } = await runLoop({ config, agentConcurrency: 4 });
    assert.equal(view.completed, true);
    const reopened = await openEventStore(store);
    try {
      const events = await experimentEvents(reopened, experimentId);
      const registered = events.find((e) => e.type === 'ExperimentRegistered')!;
      const params = (registered.data as { config: ExperimentConfig }).config.novelty;
      const code = new Map<string, string>();
      const generated: { candidateId: string; cycle: number; index: number }[] = [];
      const rejected = new Set<string>();
      for (const e of events) {
        if (e.type === 'CandidateGenerated') {
          const d = e.data as { candidateId: string; code: string; cycle: number; index: number };
          code.set(d.candidateId, d.code);
          generated.push({ candidateId: d.candidateId, cycle: d.cycle, index: d.index });
        }
        if (e.type === 'CandidateRejected') rejected.add((e.data as { candidateId: string }).candidateId);
      }
      const indexOf = new Map(generated.map((g) => [g.candidateId, g.index]));

      // Replay: at each NoveltyAssessed, assess the candidate's source against the index as folded so far.
      const replay = new NoveltyIndex(params);
      const folded = new NoveltyIndex(params);
      let assessed = 0; let withTrainMatch = 0; let withGenMatch = 0;
      for (const e of events) {
        if (e.type === 'NoveltyAssessed') {
          const d = e.data as Record<string, unknown> & { candidateId: string; cycle: number; structuralFingerprint: string | null };
          // J_gen is over every candidate generated earlier in the cycle, the rejected ones included.
          for (const g of generated) {
            if (g.cycle === d.cycle && g.index < indexOf.get(d.candidateId)! && rejected.has(g.candidateId)) {
              replay.noteGenerated(g.candidateId, g.cycle, code.get(g.candidateId)!);
            }
          }
          const verdict = replay.assess(d.candidateId, d.cycle, code.get(d.candidateId)!, d.structuralFingerprint);
          for (const field of VERDICT_FIELDS) assert.deepEqual(verdict[field], d[field], `${d.candidateId}.${field}`);
          assessed++;
          if (verdict.nearestTrainId !== null) withTrainMatch++;
          if (verdict.nearestGenId !== null) withGenMatch++;
        }
        replay.apply(e);
        folded.apply(e);
      }
      assert.ok(assessed > 0, 'some candidates were assessed');
      assert.ok(withTrainMatch > 0 && withGenMatch > 0, 'the replay compared real J_train and J_gen, not only zeros');
      // Admitted candidates are in the corpus under their architecture ids; the index folded from the events alone
      // (no source re-hashed) is the one the replay built.
      const admitted = events.filter((e) => e.type === 'CandidateAdmitted').length;
      const seeds = (events.find((e) => e.type === 'CorpusSeeded')!.data as { entries: unknown[] }).entries.length;
      assert.equal(folded.corpusSize, seeds - folded.skippedSeeds.length + admitted);
      assert.deepEqual(folded.toSnapshot().corpus, replay.toSnapshot().corpus);
      assert.ok(rejected.size > 0, 'some candidates were rejected, so J_gen over them was exercised');
    } finally {
      await reopened.close();
    }
  });
});
