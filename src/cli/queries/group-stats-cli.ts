import type { AsOf } from '../../../projections/shared/as-of';
import { printJson } from '../cli-context';
import { withQueryBus } from '../../queries/query-session';
import { GetGroupStatsQuery } from '../../queries/get-group-stats/get-group-stats.query';
import { renderGroupBandsSvg } from '../../plots/group-bands-chart';
import { writePlotFile } from '../../plots/write-plot';
import { describeResultPoint } from './as-of-options';
import { printGroupStats } from './group-tables';

/** `stats --group G`: the group's per-cycle across-seed table (JSON: the query result), --plot draws the bands. */
export async function groupStats(groupId: string, asOf: AsOf, options: { store?: string; json?: boolean; plot?: string }): Promise<void> {
  const result = await withQueryBus(options.store, (bus) => bus.execute(new GetGroupStatsQuery(groupId, asOf)));
  if (options.json) printJson(result);
  else printGroupStats(result);
  if (options.plot !== undefined) writePlotFile(options.plot, renderGroupBandsSvg(result.groupId, describeResultPoint(result), result.cycles));
}
