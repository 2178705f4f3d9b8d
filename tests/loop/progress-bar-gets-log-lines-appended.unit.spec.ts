/**
 * Issue 15: progress-bar lines got agent log lines appended to them (the bar is redrawn in place with \r and no
 * newline, so the next line written to stderr continued it). What a terminal shows is rebuilt from the bytes.
 */
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StatusLine } from '../../src/app/status-line';

/** The lines a terminal shows for `bytes`: \r returns to the line's start, ESC[2K clears it, \n starts the next. */
function screen(bytes: string): string[] {
  const lines = [''];
  for (let i = 0; i < bytes.length; i++) {
    if (bytes.startsWith('\x1b[2K', i)) { lines[lines.length - 1] = ''; i += 3; continue; }
    const ch = bytes[i]!;
    if (ch === '\r') continue; // every \r here is followed by a clear, which the line above handles
    if (ch === '\n') lines.push('');
    else lines[lines.length - 1] += ch;
  }
  return lines;
}

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => { text += d.toString(); });
  return { stream, text: () => text };
}

describe('progress-bar lines get agent log lines appended to them', () => {
  it('a log line written while the bar is shown starts on a fresh line, and the bar is drawn again below it', () => {
    const { stream, text } = capture();
    const status = new StatusLine(stream);
    status.show('cycles [###.....] 3/8');
    stream.write('agent a1: evaluated cand-1 in 0.4 s\n');
    stream.write(Buffer.from('runner: warm\n'));
    status.show('cycles [####....] 4/8');
    stream.write('cycle 4 done\n');
    status.clear();
    assert.deepEqual(screen(text()), ['agent a1: evaluated cand-1 in 0.4 s', 'runner: warm', 'cycle 4 done', '']);
  });

  it('while the bar is shown the last line is the bar, and after clear() the stream writes as before', () => {
    const { stream, text } = capture();
    const status = new StatusLine(stream);
    const ownWrite = Object.hasOwn(stream, 'write');
    status.show('cycles [#.......] 1/8');
    stream.write('log line\n');
    assert.deepEqual(screen(text()), ['log line', 'cycles [#.......] 1/8']);
    status.clear();
    assert.equal(Object.hasOwn(stream, 'write'), ownWrite, 'the stream\'s own write is back');
    stream.write('after\n');
    assert.deepEqual(screen(text()), ['log line', 'after', '']);
  });
});
