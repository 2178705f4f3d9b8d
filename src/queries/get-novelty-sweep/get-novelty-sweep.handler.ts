import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { median } from '../../../domain/stats/descriptive';
import { acrossSeeds, variantsOf } from '../../../projections/experiment-groups/query';
import { auditCorpus, noveltyAuditOf, type NoveltyAuditResult } from '../../../projections/novelty-audit/query';
import { ProjectionRunner } from '../projection-runner';
import { readGroupAt } from '../group-query';
import { requireNoveltySweep } from '../group-kind';
import { GetNoveltySweepQuery, type NoveltySweepResult, type NoveltySweepRow } from './get-novelty-sweep.query';

@QueryHandler(GetNoveltySweepQuery)
export class GetNoveltySweepHandler implements IQueryHandler<GetNoveltySweepQuery> {
  constructor(private readonly runner: ProjectionRunner) {}

  async execute(query: GetNoveltySweepQuery): Promise<NoveltySweepResult> {
    const { asOf, position, head, group, view } = await readGroupAt(this.runner, query, requireNoveltySweep);
    const rows = variantsOf(group).map((variant) => {
      const members = group.members.filter((m) => m.variant === variant);
      const runs = members.map((m) => noveltyAuditOf(view.audit, m.experimentId)).filter((a) => a !== null).map(auditCorpus);
      return sweepRow(variant, members.map((m) => m.seed), runs);
    });
    return { groupId: query.groupId, asOf, position, head, rows };
  }
}

function sweepRow(variant: string, seeds: readonly number[], runs: readonly NoveltyAuditResult[]): NoveltySweepRow {
  const turnedAway = runs.flatMap((r) => r.turnedAway.map((t) => t.accuracy));
  const admitted = runs.flatMap((r) => (r.admittedAccuracy.count ? [r.admittedAccuracy] : []));
  const admittedCount = admitted.reduce((s, a) => s + a.count, 0);
  const admittedMedian = runs.length && admittedCount ? median(runsAdmittedAccuracies(runs)) : null;
  return {
    variant, tau: runs[0]?.tau ?? NaN, experimentIds: runs.map((r) => r.experimentId), seeds,
    admitted: acrossSeeds(runs.map((r) => r.admitted)),
    diversity: acrossSeeds(runs.map((r) => r.diversity)),
    minDistance: acrossSeeds(runs.map((r) => r.closestPair?.distance ?? null)),
    turnedAway: acrossSeeds(runs.map((r) => r.turnedAway.length)),
    turnedAwayMeanAccuracy: turnedAway.length ? turnedAway.reduce((s, a) => s + a, 0) / turnedAway.length : null,
    admittedMeanAccuracy: admittedCount ? admitted.reduce((s, a) => s + a.mean! * a.count, 0) / admittedCount : null,
    turnedAwayBetterThanMedianAdmitted: admittedMedian === null ? 0 : turnedAway.filter((a) => a > admittedMedian).length,
    runs,
  };
}

function runsAdmittedAccuracies(runs: readonly NoveltyAuditResult[]): number[] {
  return runs.flatMap((r) => r.admittedAccuracies);
}
