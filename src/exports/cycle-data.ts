import type { CycleExportRow } from '../queries/export-data/export-data.query';
import { flatTable, type FlatTable } from './flat-table';

/**
 * `export cycle-data`: the convergence paper's supplementary cycle_data.csv (seed 000, Appendix C: per cycle the elite
 * concentration p_t, the mean quality and the valid-generation rate), one row per experiment and cycle. Completed
 * cycles only, as the paper's rows are.
 */
export function cycleDataTable(rows: readonly CycleExportRow[]): FlatTable {
  return flatTable(rows.filter((c) => c.completed).map((c) => ({
    experiment: c.experimentId, cycle: c.cycle,
    elite_concentration: c.eliteConcentration, mean_quality: c.meanAccuracy, valid_rate: c.validRate,
    generated: c.generated, valid: c.valid, admitted: c.admitted, threshold: c.threshold,
  })));
}
