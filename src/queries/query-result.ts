import type { AsOf } from '../../projections/shared/as-of';

/** Every query result says which point in history it describes. */
export interface AsOfInfo {
  readonly asOf: AsOf;
  /** The global position the answer is the fold up to. */
  readonly position: number;
  readonly head: number;
}
