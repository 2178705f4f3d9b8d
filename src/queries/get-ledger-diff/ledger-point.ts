import { LedgerError } from '../../../domain/shared/ledger-error';
import { asOfFromFlags, type AsOf } from '../../../projections/shared/as-of';

/** How `diff --from/--to` and `?from=&to=` name a point; printed by --help. */
export const LEDGER_POINT_SYNTAX =
  'a point is `cycle:N` (or plain N: right after cycle N completed), `position:P` (after the event at global position P), ' +
  '`time:ISO` (after the last event recorded at or before that time), `start` (position 0) or `head`';

/** Parses one point of a diff; refuses anything else, naming the accepted forms. */
export function parseLedgerPoint(flag: string, text: string): AsOf {
  const value = text.trim();
  if (value === 'head') return { kind: 'head' };
  if (value === 'start') return { kind: 'position', position: 0 };
  if (/^\d+$/.test(value)) return asOfFromFlags({ asOfCycle: Number(value) });
  const match = /^(cycle|position|time):(.+)$/.exec(value);
  if (match) {
    const [, kind, rest] = match as unknown as [string, 'cycle' | 'position' | 'time', string];
    if (kind === 'time') return asOfFromFlags({ asOfTime: rest });
    if (!/^\d+$/.test(rest)) throw badPoint(flag, text, `${kind} needs a whole number`);
    return kind === 'cycle' ? asOfFromFlags({ asOfCycle: Number(rest) }) : asOfFromFlags({ asOfPosition: Number(rest) });
  }
  throw badPoint(flag, text, 'unknown form');
}

function badPoint(flag: string, text: string, why: string): LedgerError {
  return new LedgerError('BAD_INPUT', `${flag} "${text}" is not a point in history (${why})`, `Write it as one of these: ${LEDGER_POINT_SYNTAX}.`, { [flag]: text });
}
