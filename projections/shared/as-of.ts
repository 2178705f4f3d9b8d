import { LedgerError } from '../../domain/shared/ledger-error';
import type { RecordedEvent } from '../../domain/shared/event-envelope';
import { isEvent } from '../../domain/experiment/ledger-event';
import { assertNever } from './assert-never';

/**
 * The point in history a query answers for. Every as-of point becomes a global position P, and the answer is the
 * fold over events 1..P, so all three kinds agree with each other and with a ledger that simply stopped at P.
 */
export type AsOf =
  | { readonly kind: 'head' }
  | { readonly kind: 'position'; readonly position: number }
  /** Right after the experiment's CycleCompleted for that cycle. */
  | { readonly kind: 'cycle'; readonly cycle: number }
  /** The last event whose metadata.recordedAt is at or before this ISO-8601 time. */
  | { readonly kind: 'time'; readonly time: string };

export const HEAD: AsOf = { kind: 'head' };

export function describeAsOf(asOf: AsOf): string {
  switch (asOf.kind) {
    case 'head': return 'the head';
    case 'position': return `position ${asOf.position}`;
    case 'cycle': return `the end of cycle ${asOf.cycle}`;
    case 'time': return `time ${asOf.time}`;
    default: return assertNever(asOf, 'as-of');
  }
}

export interface AsOfFlags {
  readonly asOfCycle?: number | undefined;
  readonly asOfPosition?: number | undefined;
  readonly asOfTime?: string | undefined;
}

/** At most one as-of flag; none means the head. */
export function asOfFromFlags(flags: AsOfFlags): AsOf {
  const given = [flags.asOfCycle, flags.asOfPosition, flags.asOfTime].filter((v) => v !== undefined).length;
  if (given > 1) {
    throw new LedgerError('BAD_INPUT', 'give at most one of --as-of-cycle, --as-of-position, --as-of-time',
      'Pick the one that names the point in history you want.');
  }
  if (flags.asOfCycle !== undefined) return { kind: 'cycle', cycle: checkedInteger('--as-of-cycle', flags.asOfCycle, 1) };
  if (flags.asOfPosition !== undefined) return { kind: 'position', position: checkedInteger('--as-of-position', flags.asOfPosition, 0) };
  if (flags.asOfTime !== undefined) {
    parseAsOfTime(flags.asOfTime);
    return { kind: 'time', time: flags.asOfTime };
  }
  return HEAD;
}

function checkedInteger(flag: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new LedgerError('BAD_INPUT', `${flag} must be an integer of at least ${min}, got ${value}`);
  }
  return value;
}

/** Epoch ms of an ISO-8601 timestamp with a date and time; anything vaguer is refused rather than guessed. */
export function parseAsOfTime(text: string): number {
  const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
  const ms = Date.parse(text);
  if (!iso.test(text) || Number.isNaN(ms)) {
    throw new LedgerError('BAD_INPUT', `"${text}" is not an ISO-8601 timestamp with a time zone`,
      'Write it like 2026-01-31T12:00:00Z.');
  }
  return ms;
}

/** A position must name a committed event (or 0, the empty prefix). */
export function checkPosition(position: number, head: number): number {
  if (!Number.isSafeInteger(position) || position < 0) {
    throw new LedgerError('BAD_INPUT', `as-of position must be a non-negative integer, got ${position}`);
  }
  if (position > head) {
    throw new LedgerError('NOT_FOUND', `as-of position ${position} is beyond the head of the ledger (${head})`,
      `Use a position between 0 and ${head}, or leave the as-of flag out for the head.`, { position, head });
  }
  return position;
}

/**
 * The global position of the experiment's CycleCompleted for `cycle`, from that experiment's own stream.
 * Refuses a cycle that has not completed (yet), naming the ones that have.
 */
export function cycleEndPosition(experimentStream: readonly RecordedEvent[], experimentId: string, cycle: number): number {
  const completed: number[] = [];
  for (const event of experimentStream) {
    if (!isEvent(event, 'CycleCompleted')) continue;
    const c = event.data.cycle;
    if (c === cycle) return event.globalPosition;
    completed.push(c);
  }
  const range = completed.length ? `completed cycles: ${summariseCycles(completed)}` : 'no cycle has completed yet';
  throw new LedgerError('NOT_FOUND', `cycle ${cycle} of experiment ${experimentId} has not completed (${range})`,
    'Pick a completed cycle, or use --as-of-position for a point inside a running cycle.', { experimentId, cycle, completed });
}

function summariseCycles(cycles: readonly number[]): string {
  const sorted = [...cycles].sort((a, b) => a - b);
  const first = sorted[0]!;
  const last = sorted[sorted.length - 1]!;
  return sorted.length === last - first + 1 ? `${first}..${last}` : sorted.join(', ');
}
