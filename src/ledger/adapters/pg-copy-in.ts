import type { Connection } from 'pg';

/** CopyData messages are split so one large batch never becomes a single huge socket write. */
const CHUNK_BYTES = 1 << 20;

/**
 * A node-postgres "submittable": one simple-protocol Query holding several statements, one of them
 * `COPY … FROM STDIN`. Statements in one Query message run as one implicit transaction (all or nothing, committed
 * at the end), so with the advisory lock as its first statement an append is one round trip instead of four
 * (BEGIN+lock+state, INSERT, COMMIT). The copy data follows the Query at once rather than after CopyInResponse:
 * the server reads it when the COPY runs, and when an earlier statement fails it drops CopyData and CopyDone
 * that arrive outside a COPY (the protocol says so; PostgresMain ignores them). COPY also inserts with
 * heap_multi_insert, which costs the server less than INSERT … SELECT.
 */
export class CopyInQuery {
  private settled = false;
  private firstError: unknown = null;

  constructor(readonly text: string, private readonly data: Buffer, private readonly onDone: (error: unknown) => void) {}

  submit(connection: Connection): void {
    connection.query(this.text);
    const sender = connection as unknown as { sendCopyFromChunk(chunk: Buffer): void; endCopyFrom(): void };
    for (let offset = 0; offset < this.data.length; offset += CHUNK_BYTES) {
      sender.sendCopyFromChunk(this.data.subarray(offset, offset + CHUNK_BYTES));
    }
    sender.endCopyFrom();
  }

  handleCopyInResponse(): void {}

  /** A server error is followed by ReadyForQuery; a lost connection is not, so settle at the first error. */
  handleError(error: unknown): void {
    this.firstError ??= error;
    this.settle();
  }

  handleReadyForQuery(): void {
    this.settle();
  }

  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleCommandComplete(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}
  /** node-postgres replaces this with its query_timeout hook when one is configured. */
  callback(): void {}

  private settle(): void {
    if (this.settled) return;
    this.settled = true;
    this.onDone(this.firstError);
  }
}
