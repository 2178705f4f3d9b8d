import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { streamIds } from '../../../domain/experiment/events';
import { experimentIdOf, isEvent } from '../../../domain/experiment/ledger-event';
import { candidateRecordsProjection } from '../../../projections/candidate-records/evolve';
import { candidateRecordsOf } from '../../../projections/candidate-records/query';
import { cycleStatisticsProjection } from '../../../projections/cycle-statistics/evolve';
import { cycleStatsRows } from '../../../projections/cycle-statistics/query';
import { experimentsProjection } from '../../../projections/experiments/evolve';
import { listExperiments } from '../../../projections/experiments/query';
import { missingExperimentError, ProjectionRunner } from '../projection-runner';
import { validateQuery } from '../validate-query';
import { GetExportDataQuery, type CandidateExportRecord, type CycleExportRow, type ExportDataResult } from './export-data.query';

const CYCLE_EVENTS = ['ExperimentRegistered', 'CycleStarted', 'GeneratorFineTuned', 'CycleCompleted'];

@QueryHandler(GetExportDataQuery)
export class GetExportDataHandler implements IQueryHandler<GetExportDataQuery> {
  constructor(private readonly runner: ProjectionRunner) {}

  async execute(query: GetExportDataQuery): Promise<ExportDataResult> {
    validateQuery(query);
    const asOf = query.asOf.toAsOf();
    const { experimentId } = query;
    const { view, position, head } = await this.runner.viewAsOf(experimentsProjection, asOf, experimentId);
    const summaries = listExperiments(view).filter((e) => experimentId === undefined || e.experimentId === experimentId);
    if (experimentId !== undefined && summaries.length === 0) throw await missingExperimentError(this.runner.store, experimentId, asOf, position);
    const ids = summaries.map((e) => e.experimentId);
    const stats = (await this.runner.viewAt(cycleStatisticsProjection, position)).view;
    const records = candidateRecordsOf((await this.runner.viewAt(candidateRecordsProjection, position)).view, ids);
    const events = (await this.runner.store.readAll({ upTo: position, types: CYCLE_EVENTS })).filter((e) => ids.includes(experimentIdOf(e) ?? ''));
    const cycles = ids.flatMap((id) => (cycleStatsRows(stats, id) ?? []).map((row): CycleExportRow => {
      const mine = events.filter((e) => experimentIdOf(e) === id);
      const started = mine.find((e) => isEvent(e, 'CycleStarted') && e.data.cycle === row.cycle);
      const fineTuned = mine.find((e) => isEvent(e, 'GeneratorFineTuned') && e.data.cycle === row.cycle);
      const completed = mine.find((e) => isEvent(e, 'CycleCompleted') && e.data.cycle === row.cycle);
      return {
        experimentId: id, ...row,
        generator: started && isEvent(started, 'CycleStarted') ? started.data.generator : null,
        fineTunedTo: fineTuned && isEvent(fineTuned, 'GeneratorFineTuned') ? fineTuned.data.to : null,
        startedAt: started?.metadata.recordedAt ?? null, completedAt: completed?.metadata.recordedAt ?? null,
      };
    }));
    const datasets = new Map(events.flatMap((e) => isEvent(e, 'ExperimentRegistered') ? [[e.data.experimentId, e.data.config.dataset] as const] : []));
    return {
      asOf, position, head,
      experiments: summaries.map((e) => ({
        experimentId: e.experimentId, name: e.name, configHash: e.configHash, datasetId: datasets.get(e.experimentId) ?? null,
      })),
      cycles,
      candidates: query.withCode ? await this.withCode(records) : records,
    };
  }

  /** The source text from each candidate's CandidateGenerated (the first event of its stream, so inside the prefix). */
  private async withCode(records: readonly CandidateExportRecord[]): Promise<CandidateExportRecord[]> {
    const out: CandidateExportRecord[] = [];
    for (const record of records) {
      const [generated] = await this.runner.store.readStream(streamIds.candidate(record.candidateId), { to: 0 });
      out.push(generated && isEvent(generated, 'CandidateGenerated') ? { ...record, code: generated.data.code } : record);
    }
    return out;
  }
}
