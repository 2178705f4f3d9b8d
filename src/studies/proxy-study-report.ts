import { LedgerError } from '../../domain/shared/ledger-error';
import { studyStreamId } from '../../domain/study/proxy-study.events';
import { describeAsOf, type AsOf } from '../../projections/shared/as-of';
import { proxyStudyProjection } from '../../projections/proxy-study/evolve';
import { proxyStudyReport, studiesOfExperiment, type ProxyStudyReport } from '../../projections/proxy-study/query';
import type { EventStore } from '../ledger/event-store.port';
import { queryAsOf, unknownExperiment } from '../queries/projection-runner';
import { streamIds } from '../../domain/experiment/events';
import { flatTable, toCsv, type Cell } from '../exports/flat-table';
import { renderProxyScatterSvg } from '../plots/proxy-scatter-chart';

/** A study's report as of a point of the log, with the point (what the CLI, the HTTP API and the dashboard serve). */
export interface ProxyStudyResult {
  readonly asOf: AsOf;
  readonly position: number;
  readonly head: number;
  readonly report: ProxyStudyReport;
}

/** The report of `studyId` as of `asOf`: NOT_FOUND for a study that does not exist (yet) at that point. */
export async function readProxyStudy(store: EventStore, studyId: string, asOf: AsOf): Promise<ProxyStudyResult> {
  if (asOf.kind === 'cycle') {
    throw new LedgerError('BAD_INPUT', 'a study has no cycles: use --as-of-position or --as-of-time', 'e.g. --as-of-position 120.');
  }
  const { view, position, head } = await queryAsOf(store, proxyStudyProjection, asOf);
  const report = proxyStudyReport(view, studyId);
  if (!report) {
    const exists = (await store.readStream(studyStreamId(studyId), { from: 0, to: 0 })).length > 0;
    throw new LedgerError('NOT_FOUND', exists ? `study ${studyId} started after ${describeAsOf(asOf)} (position ${position})` : `no study ${studyId}`,
      exists ? 'Pick a later as-of point.' : '`nas-ledger study list <experiment>` lists the studies of an experiment.', { studyId });
  }
  return { asOf, position, head, report };
}

/** The studies of an experiment with their headline numbers, oldest first; NOT_FOUND for an experiment the ledger never held. */
export async function listProxyStudies(store: EventStore, experimentId: string, asOf: AsOf): Promise<ProxyStudyReport[]> {
  if ((await store.readStream(streamIds.experiment(experimentId), { from: 0, to: 0 })).length === 0) throw unknownExperiment(experimentId);
  const { view } = await queryAsOf(store, proxyStudyProjection, asOf);
  return studiesOfExperiment(view, experimentId).map((s) => proxyStudyReport(view, s.studyId)!);
}

/**
 * proxy_full_pairs.csv, seed 000's supplementary file: one row per selected candidate (pairs whose full training
 * failed have an empty full_accuracy and their stage), the proxy re-runs in one column each, and the positions of the
 * events every number comes from. pandas.read_csv reads it with no options.
 */
export function proxyFullPairsCsv(report: ProxyStudyReport): string {
  const rows = report.pairs.map((p) => {
    const row: Record<string, Cell> = {
      study_id: p.studyId, experiment_id: p.experimentId, candidate_id: p.candidateId, proxy_rank: p.rank, proxy_accuracy: p.proxyAccuracy,
      full_accuracy: p.fullAccuracy, full_loss: p.fullLoss, epochs: p.epochs, full_train_stage: p.fullTrainStage,
    };
    for (const [seed, accuracy] of Object.entries(p.proxyReruns)) row[`proxy_seed_${seed}`] = accuracy;
    row.proxy_rerun_mean = p.proxyRerunMean;
    row.proxy_rerun_variance = p.proxyRerunVariance;
    row.proxy_event_position = p.proxyEventPosition;
    row.full_train_event_position = p.fullTrainEventPosition;
    return row;
  });
  return toCsv(flatTable(rows));
}

export function proxyScatterSvg(result: ProxyStudyResult): string {
  return renderProxyScatterSvg(result.report, `as of ${describeAsOf(result.asOf)} (position ${result.position} of ${result.head})`);
}
