import { get } from '../shared/persistent-map';
import { toArray } from '../shared/persistent-vector';
import { partitionsOf } from './evolve';
import type { CandidateRow, CandidatesView } from './view';

/** Candidates of one experiment (optionally one cycle), by cycle then index; null when the experiment is unknown. */
export function listCandidates(view: CandidatesView, experimentId: string, cycle?: number): CandidateRow[] | null {
  const experiment = get(view.experiments, experimentId);
  if (!experiment) return null;
  // A row sits in the partition of its own cycle; within one, rows keep generation order (the sort is stable).
  const partitions = partitionsOf(experiment).filter((partition) => cycle === undefined || partition.cycle === cycle);
  return partitions.flatMap((partition) => toArray(partition.rows))
    .map((row) => ({ ...row }))
    .sort((a, b) => a.cycle - b.cycle || a.index - b.index);
}
