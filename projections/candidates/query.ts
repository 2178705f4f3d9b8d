import type { CandidateRow, CandidatesView } from './view';

/** Candidates of one experiment (optionally one cycle), by cycle then index; null when the experiment is unknown. */
export function listCandidates(view: CandidatesView, experimentId: string, cycle?: number): CandidateRow[] | null {
  const experiment = view.experiments[experimentId];
  if (!experiment) return null;
  return Object.values(experiment.candidates)
    .filter((row) => cycle === undefined || row.cycle === cycle)
    .map((row) => ({ ...row }))
    .sort((a, b) => a.cycle - b.cycle || a.index - b.index);
}
