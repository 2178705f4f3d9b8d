import type { CorpusEntry } from '../../domain/experiment/events';
import { streamIds } from '../../domain/experiment/events';
import { isEvent, type RecordedLedgerEvent } from '../../domain/experiment/ledger-event';
import type { RecordedEvent } from '../../domain/shared/event-envelope';
import { corpusAsOf } from '../../projections/corpus/query';
import type { EventStore } from '../../src/ledger/event-store.port';

/**
 * The corpus of an experiment as the ledger records it (projections/corpus): the seeded entries, then admitted
 * candidates in admission (global) order. `corpusVersion` counts entries, so a fine-tune reads exactly the prefix it
 * was asked for. Reads only what the fold needs: the experiment's stream, the admissions, and the generation event
 * of each admitted candidate (its source text).
 */
export async function readCorpus(store: EventStore, experimentId: string): Promise<CorpusEntry[]> {
  const experiment = await store.readStream(streamIds.experiment(experimentId));
  const admitted = (await store.readAll({ types: ['CandidateAdmitted'] }))
    .filter((e): e is RecordedLedgerEvent<'CandidateAdmitted'> => isEvent(e, 'CandidateAdmitted') && e.data.experimentId === experimentId);
  const generated: RecordedEvent[] = [];
  for (const admission of admitted) {
    generated.push(...await store.readStream(streamIds.candidate(admission.data.candidateId), { from: 0, to: 0 }));
  }
  const events = [...experiment, ...admitted, ...generated].sort((a, b) => a.globalPosition - b.globalPosition);
  return [...corpusAsOf(events, experimentId)?.entries ?? []];
}
