import { existsSync, readFileSync } from 'node:fs';
import { LedgerError } from '../../domain/shared/ledger-error';

/** A published head of the log: the log still extends it while the event at `position` has `hash`. */
export interface Anchor {
  readonly position: number;
  readonly hash: string;
}

const ANCHOR_HINT = 'Pass HASH@POSITION (the 64 hex digits and the position that `nas-ledger events head` prints) or a file ' +
  'written by `nas-ledger events head --json > anchor.json`.';

/** Parses `--anchor`: HASH@POSITION, or a file holding what `events head --json` printed. */
export function parseAnchor(text: string): Anchor {
  const inline = /^([0-9a-f]{64})@(\d+)$/i.exec(text.trim());
  if (inline) return checked({ hash: inline[1]!.toLowerCase(), position: Number(inline[2]) }, text);
  if (/^[0-9a-f]*@/i.test(text.trim())) throw bad(`malformed anchor "${text.slice(0, 100)}"`);
  if (!existsSync(text)) throw bad(`no anchor file ${text}, and "${text.slice(0, 100)}" is not HASH@POSITION`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(text, 'utf8'));
  } catch (error) {
    throw bad(`cannot read the anchor file ${text}: ${(error as Error).message}`);
  }
  const value = parsed as Partial<Anchor> | null;
  return checked({ hash: typeof value?.hash === 'string' ? value.hash.toLowerCase() : '', position: value?.position as number }, text);
}

function checked(anchor: Anchor, text: string): Anchor {
  if (!Number.isSafeInteger(anchor.position) || anchor.position < 0 || !/^[0-9a-f]{64}$/.test(anchor.hash)) {
    throw bad(`the anchor ${text.slice(0, 100)} needs an integer position >= 0 and a 64-hex-digit hash`);
  }
  return anchor;
}

function bad(message: string): LedgerError {
  return new LedgerError('BAD_INPUT', message, ANCHOR_HINT);
}
