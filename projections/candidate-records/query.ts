import { get, values } from '../shared/persistent-map';
import type { CandidateRecord, CandidateRecordsView } from './view';

/** One candidate's record, or null when the view has not seen it generated. */
export function candidateRecordOf(view: CandidateRecordsView, candidateId: string): CandidateRecord | null {
  return get(view.records, candidateId) ?? null;
}

/** The records of the given experiments (all when `experimentIds` is null), by experiment, then cycle, then index. */
export function candidateRecordsOf(view: CandidateRecordsView, experimentIds: readonly string[] | null): CandidateRecord[] {
  const wanted = experimentIds === null ? null : new Set(experimentIds);
  const order = new Map((experimentIds ?? []).map((id, i) => [id, i]));
  return values(view.records)
    .filter((r) => wanted === null || wanted.has(r.experimentId))
    .sort((a, b) => (order.get(a.experimentId) ?? 0) - (order.get(b.experimentId) ?? 0) || a.experimentId.localeCompare(b.experimentId) ||
      a.cycle - b.cycle || a.index - b.index);
}
