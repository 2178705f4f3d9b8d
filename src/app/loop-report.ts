import { isEvent } from '../../domain/experiment/ledger-event';
import type { RecordedEvent } from '../../domain/shared/event-envelope';
import { cycleStatsRows } from '../../projections/cycle-statistics/query';
import { evolveCycleStatistics, initialCycleStatisticsView } from '../../projections/cycle-statistics/evolve';
import type { CycleStatisticsView, CycleStatsRow } from '../../projections/cycle-statistics/view';
import { currentCycle, isTerminal, type LoopView } from '../orchestrator/loop-view';
import { StatusLine } from './status-line';

/** A progress bar of `width` cells, no dependencies. */
export function bar(done: number, total: number, width = 24): string {
  const fraction = total > 0 ? Math.min(1, done / total) : 0;
  const full = Math.round(fraction * width);
  return `[${'#'.repeat(full)}${'.'.repeat(width - full)}] ${done}/${total}`;
}

const pct = (x: number | null | undefined) => (x === null || x === undefined ? '   -  ' : `${(100 * x).toFixed(1).padStart(5)}%`);
const num = (x: number | null | undefined, digits = 3) => (x === null || x === undefined ? '  -  ' : x.toFixed(digits));

export const TABLE_HEADER = 'cycle  valid%  mean acc  best acc  >=tau%  admitted  corpus  elite%  diversity';
export function tableRow(r: CycleStatsRow): string {
  return `${String(r.cycle).padStart(5)}  ${pct(r.validRate)}  ${num(r.meanAccuracy).padStart(8)}  ${num(r.bestAccuracy).padStart(8)}  ${pct(r.aboveThreshold)}  ${String(r.admitted).padStart(8)}  ${String(r.corpusSize).padStart(6)}  ${pct(r.eliteConcentration)}  ${num(r.diversity).padStart(9)}`;
}

/**
 * Follows a running experiment: progress bars (cycles, and the current cycle's candidates) redrawn on stderr,
 * and one table row per completed cycle, computed by the cycle-statistics projection from the same events.
 */
export class LoopReporter {
  private stats: CycleStatisticsView = initialCycleStatisticsView();
  private printedCycles = new Set<number>();
  private lastDraw = 0;
  readonly rows: CycleStatsRow[] = [];

  /** `status`: the progress bars' line on stderr, which every other stderr line starts below. */
  constructor(private readonly experimentIdOf: () => string, private readonly out: (line: string) => void,
    private readonly tty: boolean = Boolean(process.stderr.isTTY), private readonly status = new StatusLine()) {}

  onEvent(event: RecordedEvent, view: LoopView): void {
    this.stats = evolveCycleStatistics(this.stats, event);
    if (isEvent(event, 'CycleCompleted')) {
      const cycle = event.data.cycle;
      const row = (cycleStatsRows(this.stats, this.experimentIdOf()) ?? []).find((r) => r.cycle === cycle);
      if (row && !this.printedCycles.has(cycle)) {
        this.printedCycles.add(cycle);
        if (this.printedCycles.size === 1) this.line(TABLE_HEADER);
        this.rows.push(row);
        this.line(tableRow(row));
      }
    }
    this.draw(view);
  }

  allRows(): CycleStatsRow[] {
    return cycleStatsRows(this.stats, this.experimentIdOf()) ?? [];
  }

  private line(text: string): void {
    this.out(text);
  }

  private draw(view: LoopView): void {
    if (!this.tty || !view.config) return;
    const now = Date.now();
    if (now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const cycle = currentCycle(view);
    const done = [...view.cycles.values()].filter((c) => c.completed).length;
    const decided = cycle ? cycle.candidates.filter((c) => c && isTerminal(c)).length : 0;
    const evaluating = cycle ? cycle.candidates.filter((c) => c && c.status === 'generated').length : 0;
    this.status.show(`cycles ${bar(done, view.config.cycles, 12)}  cycle ${cycle?.cycle ?? '-'} candidates ${bar(decided, cycle?.planned ?? view.config.candidatesPerCycle, 20)}${evaluating ? ` (${evaluating} evaluating)` : ''}`);
  }

  finish(): void {
    this.status.clear();
  }
}
