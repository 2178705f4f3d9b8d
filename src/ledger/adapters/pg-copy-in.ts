import type { Connection } from 'pg';

/** CopyData messages are split so one large batch never becomes a single huge socket write. */
const CHUNK_BYTES = 1 << 20;

/**
 * A node-postgres "submittable": one simple-protocol Query holding several statements, one of them
 * `COPY … FROM STDIN`, fed with `data` when the server asks for it. Statements in one Query message run as one
 * implicit transaction (all or nothing, committed at the end), so with the advisory lock as its first statement
 * an append costs two round trips (the query, then the copy data) instead of four (BEGIN+lock+state, INSERT,
 * COMMIT). COPY also inserts with heap_multi_insert, which costs the server less than INSERT … SELECT.
 */
export class CopyInQuery {
  private settled = false;
  private firstError: unknown = null;

  constructor(readonly text: string, private readonly data: Buffer, private readonly onDone: (error: unknown) => void) {}

  submit(connection: Connection): void {
    connection.query(this.text);
  }

  handleCopyInResponse(connection: Connection): void {
    const sender = connection as unknown as { sendCopyFromChunk(chunk: Buffer): void; endCopyFrom(): void };
    for (let offset = 0; offset < this.data.length; offset += CHUNK_BYTES) {
      sender.sendCopyFromChunk(this.data.subarray(offset, offset + CHUNK_BYTES));
    }
    sender.endCopyFrom();
  }

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
