import { streamIds, type CandidateAdmitted, type CandidateGenerated, type CorpusEntry, type CorpusSeeded } from '../../domain/experiment/events';
import type { EventStore } from '../../src/ledger/event-store.port';

/**
 * The corpus of an experiment as the ledger records it: the seeded entries, then admitted candidates in
 * admission (global) order. `corpusVersion` counts entries, so a fine-tune reads exactly the prefix it was asked for.
 */
export async function readCorpus(store: EventStore, experimentId: string): Promise<CorpusEntry[]> {
  const experiment = await store.readStream(streamIds.experiment(experimentId));
  const seeded = experiment.find((e) => e.type === 'CorpusSeeded')?.data as CorpusSeeded['data'] | undefined;
  const entries: CorpusEntry[] = [...(seeded?.entries ?? [])];
  const admitted = await store.readAll({ types: ['CandidateAdmitted'] });
  for (const event of admitted) {
    const data = event.data as CandidateAdmitted['data'];
    if (data.experimentId !== experimentId) continue;
    const [generated] = await store.readStream(streamIds.candidate(data.candidateId), { from: 0, to: 0 });
    const code = (generated?.data as CandidateGenerated['data'] | undefined)?.code;
    if (code === undefined) continue;
    entries.push({ entryId: data.candidateId, name: data.architectureId, code, codeHash: data.codeHash, accuracy: data.accuracy });
  }
  return entries;
}
