/**
 * Mutation-rate schedules of seed 003, as functions of the cycle (1-based) over `cycles` cycles.
 * The rate is the per-position probability that a child's component is re-drawn from its template's.
 */
export const SCHEDULES = ['constant', 'linear', 'cosine', 'cyclic'] as const;
export type ScheduleName = (typeof SCHEDULES)[number];

export interface ScheduleParameters {
  readonly maxRate: number;   // at the start (and at each cyclic restart)
  readonly minRate: number;   // the floor decays reach
  /** Cycles per cyclic period (cosine annealing with warm restarts). */
  readonly period: number;
}

export const DEFAULT_SCHEDULE: ScheduleParameters = { maxRate: 0.6, minRate: 0.15, period: 7 };

export function mutationRate(schedule: ScheduleName, cycle: number, cycles: number, p: ScheduleParameters = DEFAULT_SCHEDULE): number {
  const t = cycles <= 1 ? 0 : (cycle - 1) / (cycles - 1); // 0 .. 1
  switch (schedule) {
    case 'constant': return p.maxRate;
    case 'linear': return p.maxRate + (p.minRate - p.maxRate) * t;
    case 'cosine': return p.minRate + (p.maxRate - p.minRate) * (1 + Math.cos(Math.PI * t)) / 2;
    case 'cyclic': {
      const phase = ((cycle - 1) % p.period) / p.period;
      return p.minRate + (p.maxRate - p.minRate) * (1 + Math.cos(Math.PI * phase)) / 2;
    }
    default: {
      const never: never = schedule;
      throw new Error(`unknown schedule ${String(never)}`);
    }
  }
}
