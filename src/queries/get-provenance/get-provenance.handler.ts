import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { LedgerError } from '../../../domain/shared/ledger-error';
import { streamIds } from '../../../domain/experiment/events';
import { lineageProjection } from '../../../projections/lineage/evolve';
import { candidateProvenance, findCorpusSubject, seedEntryProvenance, type Provenance } from '../../../projections/lineage/query';
import { describeAsOf, type AsOf } from '../../../projections/shared/as-of';
import { experimentIdOf } from '../../../projections/shared/ledger-event';
import { ProjectionRunner } from '../projection-runner';
import { validateQuery } from '../validate-query';
import { GetProvenanceQuery, type ProvenanceResult } from './get-provenance.query';

@QueryHandler(GetProvenanceQuery)
export class GetProvenanceHandler implements IQueryHandler<GetProvenanceQuery> {
  constructor(private readonly runner: ProjectionRunner) {}

  async execute(query: GetProvenanceQuery): Promise<ProvenanceResult> {
    validateQuery(query);
    const asOf = query.asOf.toAsOf();
    const store = this.runner.store;
    // Which experiment the id belongs to decides what an as-of cycle means; find it at the head first.
    const candidateStream = await store.readStream(streamIds.candidate(query.id));
    let experimentId = candidateStream[0] ? experimentIdOf(candidateStream[0]) : null;
    if (experimentId === null) {
      const atHead = await this.runner.viewAsOf(lineageProjection, { kind: 'head' });
      experimentId = findCorpusSubject(atHead.view, query.id)?.experimentId ?? null;
    }
    if (experimentId === null) {
      throw new LedgerError('NOT_FOUND', `no candidate, architecture or seed corpus entry "${query.id}" in the ledger`,
        'Use a candidate id (`nas-ledger candidates <experiment>`), an architecture id (arch-…) or a seed entry id (seed:…).',
        { id: query.id });
    }
    const { view, position, head } = await this.runner.viewAsOf(lineageProjection, asOf, experimentId);
    let provenance: Provenance | null;
    if (candidateStream.length > 0) {
      provenance = candidateProvenance(view, query.id, candidateStream.filter((e) => e.globalPosition <= position));
    } else {
      const subject = findCorpusSubject(view, query.id);
      if (subject?.kind === 'architecture') {
        const events = await store.readStream(streamIds.candidate(subject.candidateId));
        provenance = candidateProvenance(view, query.id, events.filter((e) => e.globalPosition <= position));
      } else {
        provenance = subject ? seedEntryProvenance(view, query.id, subject.experimentId, subject.member) : null;
      }
    }
    if (!provenance) throw notYet(query.id, asOf, position);
    return { ...provenance, asOf, position, head };
  }
}

function notYet(id: string, asOf: AsOf, position: number): LedgerError {
  return new LedgerError('NOT_FOUND', `"${id}" did not exist yet at ${describeAsOf(asOf)} (position ${position})`,
    'Pick a later as-of point, or leave it out for the head.', { id, position });
}
