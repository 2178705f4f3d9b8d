import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadExperimentConfig } from '../../src/config/load-config';
import { runLoop } from '../../src/app/run-loop';
import { openEventStore } from '../../src/ledger/open-event-store';
import { rederiveDecisions } from '../../src/reviews/decisions';
import { admissionRulesOf, candidateDecider, type CandidateState } from '../../domain/candidate/candidate.decider';
import type { CandidateCommand } from '../../domain/candidate/candidate.commands';
import type { CandidateEvent, ExperimentRegistered } from '../../domain/experiment/events';
import type { Decider } from '../../domain/shared/decider';
import type { RecordedEvent } from '../../domain/shared/event-envelope';
import { LedgerError } from '../../domain/shared/ledger-error';

/** A decider that admits whatever the accuracy: the deliberate bug the re-derivation must catch. */
const admitsBelowThreshold: Decider<CandidateCommand, CandidateEvent, CandidateState> = {
  ...candidateDecider,
  decide: (command, state) => candidateDecider.decide(
    command.type === 'DecideAdmission' ? { ...command, data: { ...command.data, rules: { ...command.data.rules, threshold: 0 } } } : command, state),
};

describe('review --decisions: novelty verdicts and admissions re-derived from the log prefix before each', () => {
  it('finds 0 differences on an untouched run, and catches an admission written by a wrong decider', async () => {
    const root = mkdtempSync(join(tmpdir(), 'nas-decisions-'));
    try {
      const config = loadExperimentConfig({ overrides: { generator: 'sim', cycles: 3, candidatesPerCycle: 10, store: join(root, 'run'), bus: 'inproc', seed: 7 } });
      const { experimentId } = await runLoop({ config, agentConcurrency: 4 });
      const source = await openEventStore(join(root, 'run'));
      let events: RecordedEvent[];
      try { events = await source.readAll(); } finally { await source.close(); }

      const untouched = rederiveDecisions(events, experimentId);
      assert.deepEqual(untouched.differences, []);
      assert.equal(untouched.noveltyChecked, events.filter((e) => e.type === 'NoveltyAssessed').length);
      assert.ok(untouched.admissionsChecked > 0 && untouched.noveltyChecked > 0);

      // The same run, except one below-threshold candidate's admission is decided by the wrong decider.
      const victim = events.find((e) => e.type === 'CandidateNotAdmitted' && (e.data as { reason: string }).reason === 'below_threshold');
      assert.ok(victim, 'the run has a below-threshold candidate');
      const candidateId = (victim.data as { candidateId: string }).candidateId;
      const registered = events.find((e) => e.type === 'ExperimentRegistered') as unknown as ExperimentRegistered;
      const before = events.filter((e) => e.streamId === victim.streamId && e.globalPosition < victim.globalPosition)
        .reduce((s, e) => candidateDecider.evolve(s, e as unknown as CandidateEvent), candidateDecider.initialState());
      const [wrong] = admitsBelowThreshold.decide(
        { type: 'DecideAdmission', data: { experimentId, candidateId, rules: admissionRulesOf(registered.data.config) } }, before);
      assert.equal(wrong?.type, 'CandidateAdmitted');

      const tampered = await openEventStore(join(root, 'tampered'));
      try {
        for (const e of events) {
          const event = e.eventId === victim.eventId ? { ...e, type: wrong.type, data: wrong.data } : e;
          await tampered.append(e.streamId, [{ eventId: event.eventId, type: event.type, schemaVersion: event.schemaVersion, data: event.data, metadata: event.metadata }], 'any');
        }
        const report = rederiveDecisions(await tampered.readAll(), experimentId);
        assert.deepEqual(report.differences[0], {
          decision: 'admission', candidateId, cycle: (victim.data as { cycle: number }).cycle, position: victim.globalPosition,
          field: 'decision', recorded: 'CandidateAdmitted', recomputed: 'CandidateNotAdmitted',
        });
        assert.equal(report.differences.filter((d) => d.decision === 'admission' && d.candidateId !== candidateId).length, 0,
          'every other admission is re-derived as recorded');
      } finally {
        await tampered.close();
      }
      assert.throws(() => rederiveDecisions(events, 'no-such-experiment'), (e: unknown) => e instanceof LedgerError && e.code === 'NOT_FOUND');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
