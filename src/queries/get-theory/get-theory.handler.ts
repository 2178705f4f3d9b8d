import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { LedgerError } from '../../../domain/shared/ledger-error';
import { theoryProjection } from '../../../projections/theory/evolve';
import { configDifferences, theoryRows } from '../../../projections/theory/query';
import type { TheoryView } from '../../../projections/theory/view';
import { groupOf, variantsOf } from '../../../projections/experiment-groups/query';
import { missingExperimentError, ProjectionRunner } from '../projection-runner';
import { validateQuery } from '../validate-query';
import { findGroup, groupPosition } from '../group-point';
import { GetTheoryQuery, type TheoryResult, type TheorySide } from './get-theory.query';
import { proxyStudyProjection } from '../../../projections/proxy-study/evolve';
import { proxyStudySummary } from '../../../projections/proxy-study/query';

@QueryHandler(GetTheoryQuery)
export class GetTheoryHandler implements IQueryHandler<GetTheoryQuery> {
  constructor(private readonly runner: ProjectionRunner) {}

  async execute(query: GetTheoryQuery): Promise<TheoryResult> {
    validateQuery(query);
    const asOf = query.asOf.toAsOf();
    const position = query.targetIsGroup
      ? await groupPosition(this.runner, await findGroup(this.runner, query.target), asOf)
      : await this.runner.resolvePosition(asOf, query.target);
    const { view, head } = await this.runner.viewAt(theoryProjection, position);
    const target = query.targetIsGroup ? groupSide(view, query.target) : experimentSide(view, query.target);
    if (!target) throw await missingExperimentError(this.runner.store, query.target, asOf, position);
    const against = query.against === undefined ? null : experimentSide(view, query.against) ?? groupSide(view, query.against);
    if (query.against !== undefined && !against) {
      throw new LedgerError('NOT_FOUND', `--against "${query.against}" is neither an experiment nor a group in the ledger (at position ${position})`,
        'Run `nas-ledger experiments` to list the experiments.', { against: query.against });
    }
    if (against) checkSameConfig(view, target, against);
    // Thm 8 reads the target's latest proxy study (study-<id> streams) as of the same position; none: "not enough data".
    const proxy = proxyStudySummary((await this.runner.viewAt(proxyStudyProjection, position)).view, target.experimentIds);
    const rows = theoryRows(view, target.experimentIds, against?.experimentIds ?? null, proxy);
    return { target, against, asOf, position, head, rows };
  }
}

function experimentSide(view: TheoryView, id: string): TheorySide | null {
  return view.configs[id] ? { kind: 'experiment', id, experimentIds: [id] } : null;
}

function groupSide(view: TheoryView, id: string): TheorySide | null {
  const group = groupOf(view.groups, id);
  if (!group) return null;
  const first = variantsOf(group)[0];
  return { kind: 'group', id, experimentIds: group.members.filter((m) => m.variant === first).map((m) => m.experimentId) };
}

/** Thm 5 compares like with like: the configs may differ in the delta switch, the seed, the name and deployment only. */
function checkSameConfig(view: TheoryView, target: TheorySide, against: TheorySide): void {
  const a = view.configs[target.experimentIds[0]!]!, b = view.configs[against.experimentIds[0]!]!;
  const keys = configDifferences(a, b);
  if (keys.length === 0) return;
  const shown = keys.map((k) => `${k} (${JSON.stringify(valueAt(a, k))} vs ${JSON.stringify(valueAt(b, k))})`).join(', ');
  throw new LedgerError('BAD_INPUT', `--against ${against.id} has a different config from ${target.id}: ${shown}`,
    'Compare experiments that differ only in --delta (and the seed): run the other side with the same config.', { differingKeys: keys });
}

function valueAt(config: object, path: string): unknown {
  return path.split('.').reduce<unknown>((v, key) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), config);
}
