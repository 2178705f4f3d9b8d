/** Clears the terminal line the cursor is on and returns to its start. */
const CLEAR_LINE = '\r\x1b[2K';

type Write = (chunk: unknown, ...rest: unknown[]) => boolean;

/**
 * A line redrawn in place at the bottom of a terminal (a progress bar). Anything else written to the same stream
 * while it is shown (agent logs, warnings, table rows, from any module) would be appended to the bar: each such
 * write first clears the bar's line, so it starts on a fresh line, and the bar is drawn again below it once the
 * write ends a line.
 */
export class StatusLine {
  private text: string | null = null;
  private original: Write | null = null;
  private ownWrite = false;
  private readonly stream: { write: Write };

  constructor(stream: NodeJS.WritableStream = process.stderr) {
    this.stream = stream as unknown as { write: Write };
  }

  show(text: string): void {
    this.hook();
    this.text = text;
    this.original!.call(this.stream, CLEAR_LINE + text);
  }

  /** Removes the line and gives the stream back as it was. */
  clear(): void {
    if (!this.original) return;
    if (this.text !== null) this.original.call(this.stream, CLEAR_LINE);
    this.text = null;
    // Back as it was: the stream's own write, or (usually) none, so the prototype's applies again.
    if (this.ownWrite) this.stream.write = this.original;
    else delete (this.stream as { write?: Write }).write;
    this.original = null;
  }

  private hook(): void {
    if (this.original) return;
    const original = this.stream.write;
    this.original = original;
    this.ownWrite = Object.hasOwn(this.stream, 'write');
    this.stream.write = (chunk: unknown, ...rest: unknown[]): boolean => {
      const shown = this.text;
      if (shown === null) return original.call(this.stream, chunk, ...rest);
      original.call(this.stream, CLEAR_LINE);
      const written = original.call(this.stream, chunk, ...rest);
      const endsLine = typeof chunk === 'string' ? chunk.endsWith('\n') : Buffer.isBuffer(chunk) && chunk.at(-1) === 10;
      // A partial line stays as it is; the bar comes back with the next show().
      if (endsLine) original.call(this.stream, shown);
      else this.text = null;
      return written;
    };
  }
}
