import assert from 'node:assert/strict';

export interface ApiReply { status: number; contentType: string; text: string; body: Record<string, unknown> }

/** GET with the raw text kept, so a spec can look for what a JSON parse would hide (stack lines). */
export async function fetchJson(url: string): Promise<ApiReply> {
  const res = await fetch(url, { headers: { accept: 'application/json' } });
  const text = await res.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    assert.fail(`${url} answered ${res.status} with a body that is not JSON: ${text.slice(0, 300)}`);
  }
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', text, body };
}

const CODE_BY_STATUS: Readonly<Record<number, string>> = { 400: 'BAD_INPUT', 404: 'NOT_FOUND' };

/** A JSON {code, message, hint} with the LedgerError status, the message matching, and no stack trace anywhere in the body. */
export function assertJsonError(reply: ApiReply, status: number, message: RegExp): void {
  assert.equal(reply.status, status, reply.text);
  assert.match(reply.contentType, /^application\/json/);
  assert.equal(reply.body.code, CODE_BY_STATUS[status] ?? reply.body.code);
  assert.match(String(reply.body.message), message);
  assert.equal(typeof reply.body.hint, 'string');
  assert.ok((reply.body.hint as string).length > 10, 'the hint says what to do');
  assert.equal('stack' in reply.body, false, 'a stack in the body');
  // A stack line, raw or inside a JSON string: "at fn (file.js:1:2)" or "\n    at …".
  assert.doesNotMatch(reply.text, /(^|\\n|\n)\s*at \S+|\bat \S+ \(\S+:\d+:\d+\)/, 'a stack trace in the body');
}
