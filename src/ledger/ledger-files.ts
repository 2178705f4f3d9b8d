import { createReadStream, existsSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import type { RecordedEvent } from '../../domain/shared/event-envelope';
import { EVENT_SCHEMA_VERSIONS, isLedgerEventType } from '../../domain/experiment/events';
import { LedgerError } from '../../domain/shared/ledger-error';

/**
 * JSON Lines export/import: one RecordedEvent per line, exactly as stored (no upcasting), so ids, positions and
 * hashes survive the round trip and the chain verifies on the other side.
 */
export async function exportEvents(store: { iterateRaw(): AsyncIterable<RecordedEvent> }, out: Writable): Promise<number> {
  let count = 0;
  // A reader that stops early (`| head`) closes the pipe: stop quietly instead of failing.
  let gone = false;
  const onError = (error: NodeJS.ErrnoException): void => {
    if (error.code !== 'EPIPE') throw error;
    gone = true;
  };
  out.on('error', onError);
  try {
    for await (const event of store.iterateRaw()) {
      if (gone) break;
      // Respect back-pressure: a 1M-event export must not buffer the whole ledger in memory.
      if (!out.write(JSON.stringify(event) + '\n')) {
        await new Promise<void>((resolve) => {
          const done = (): void => { out.off('drain', done); out.off('close', done); resolve(); };
          out.on('drain', done);
          out.on('close', done);
        });
      }
      count++;
    }
  } finally {
    out.off('error', onError);
  }
  return count;
}

/** Reads a JSONL file lazily, naming the line of anything that is not JSON. */
export async function* readEventsFile(path: string): AsyncGenerator<RecordedEvent> {
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new LedgerError('NOT_FOUND', `no such file: ${path}`, 'Pass the path of a file written by `nas-ledger events export`.');
  }
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim() === '') continue;
    try {
      yield JSON.parse(line) as RecordedEvent;
    } catch (error) {
      throw new LedgerError('BAD_INPUT', `${path}:${n} is not JSON (${(error as Error).message})`,
        'Each line must be one event as written by `nas-ledger events export`; nothing was imported.', { line: n });
    }
  }
}

/** The catalog check for imports: only event types and schema versions this build of nas-ledger understands. */
export function rejectUnknownEvent(event: RecordedEvent): string | null {
  if (!isLedgerEventType(event.type)) return `unknown event type "${event.type}"`;
  const current = EVENT_SCHEMA_VERSIONS[event.type];
  if (!Number.isInteger(event.schemaVersion) || event.schemaVersion < 1 || event.schemaVersion > current) {
    return `unknown schema version ${event.schemaVersion} of ${event.type} (this build knows 1..${current})`;
  }
  return null;
}
