import { LedgerError } from '../../../domain/shared/ledger-error';
import { streamIds } from '../../../domain/experiment/events';
import { lineageProjection } from '../../../projections/lineage/evolve';
import { candidateProvenance, findCorpusSubject, seedEntryProvenance, type Provenance } from '../../../projections/lineage/query';
import { describeAsOf, type AsOf } from '../../../projections/shared/as-of';
import { experimentIdOf } from '../../../projections/shared/ledger-event';
import type { ProjectionRunner } from '../projection-runner';
import type { ProvenanceResult } from './get-provenance.query';
import { reviewsAsOf, verdictsOfCandidate } from '../../../projections/reviews/query';

/**
 * Provenance of a candidate id, an admitted architecture id or a seed entry id, as of a point in history: the
 * lineage view at that point plus the candidate's own stream cut at the same position.
 */
export async function readProvenance(runner: ProjectionRunner, id: string, asOf: AsOf): Promise<ProvenanceResult> {
  const store = runner.store;
  // Which experiment the id belongs to decides what an as-of cycle means; find it at the head first.
  const candidateStream = await store.readStream(streamIds.candidate(id));
  let experimentId = candidateStream[0] ? experimentIdOf(candidateStream[0]) : null;
  if (experimentId === null) {
    const atHead = await runner.viewAsOf(lineageProjection, { kind: 'head' });
    experimentId = findCorpusSubject(atHead.view, id)?.experimentId ?? null;
  }
  if (experimentId === null) {
    throw new LedgerError('NOT_FOUND', `no candidate, architecture or seed corpus entry "${id}" in the ledger`,
      'Use a candidate id (`nas-ledger candidates <experiment>`), an architecture id (arch-…) or a seed entry id (seed:…).',
      { id });
  }
  const { view, position, head } = await runner.viewAsOf(lineageProjection, asOf, experimentId);
  let provenance: Provenance | null;
  if (candidateStream.length > 0) {
    provenance = candidateProvenance(view, id, candidateStream.filter((e) => e.globalPosition <= position));
  } else {
    const subject = findCorpusSubject(view, id);
    if (subject?.kind === 'architecture') {
      const events = await store.readStream(streamIds.candidate(subject.candidateId));
      provenance = candidateProvenance(view, id, events.filter((e) => e.globalPosition <= position));
    } else {
      provenance = subject ? seedEntryProvenance(view, id, subject.experimentId, subject.member) : null;
    }
  }
  if (!provenance) {
    throw new LedgerError('NOT_FOUND', `"${id}" did not exist yet at ${describeAsOf(asOf)} (position ${position})`,
      'Pick a later as-of point, or leave it out for the head.', { id, position });
  }
  // The reviews of the candidate (an architecture's candidate), folded over the same prefix of the log.
  const candidateId = candidateStream.length > 0 ? id : (provenance.subject.candidateId ?? null);
  const reviewEvents = candidateId === null ? [] : await store.readAll({ types: ['ReviewStarted', 'CandidateReviewed', 'ReviewCompleted'], upTo: position });
  const reviews = candidateId === null ? [] : verdictsOfCandidate(reviewsAsOf(reviewEvents), candidateId);
  return { ...provenance, asOf, position, head, reviews };
}
