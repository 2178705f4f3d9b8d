/**
 * `nas-ledger serve` sent its dashboard page (about 840 KB: the inlined, minified bundle of Observable Plot,
 * cytoscape, highlight.js and diff2html) uncompressed to every browser, also to one that accepts gzip. Now it is
 * gzipped once at start and sent compressed where the request accepts gzip, plain otherwise.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { get, type IncomingMessage } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { buildExperimentHistory } from '../support/ledger-fixtures';
import { serveHistories, type ServedLedger } from './serve-fixture';
import { acceptsGzip } from '../../src/http/accept-encoding';

interface RawReply { readonly status: number; readonly headers: IncomingMessage['headers']; readonly body: Buffer }

/** GET with exactly the headers given (fetch would add and undo its own Accept-Encoding). */
function rawGet(url: string, headers: Record<string, string>): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

describe('the dashboard page went out uncompressed (840 KB) to browsers that accept gzip', () => {
  let served: ServedLedger;
  before(async () => { served = await serveHistories([buildExperimentHistory({ cycles: 1, candidatesPerCycle: 2, seed: 3, experimentId: 'page' })]); });
  after(() => served.remove());

  it('a request accepting gzip gets the page gzipped, at most a third of its size, the same page once unzipped', async () => {
    const plain = await rawGet(served.url, {});
    const zipped = await rawGet(served.url, { 'accept-encoding': 'gzip, deflate, br' });
    assert.equal(plain.status, 200);
    assert.equal(zipped.status, 200);
    assert.equal(plain.headers['content-encoding'], undefined, 'no Accept-Encoding: plain');
    assert.match(plain.body.toString('utf8'), /<html/i);
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.match(String(zipped.headers.vary), /accept-encoding/i);
    assert.match(String(zipped.headers['content-type']), /^text\/html/);
    assert.ok(String(zipped.headers['content-security-policy']).length > 0, 'the CSP stays');
    assert.ok(zipped.body.length * 3 < plain.body.length, `${zipped.body.length} bytes gzipped of ${plain.body.length}`);
    assert.equal(gunzipSync(zipped.body).toString('utf8'), plain.body.toString('utf8'));
  });

  it('a request that refuses gzip (gzip;q=0) gets it plain', async () => {
    const reply = await rawGet(served.url, { 'accept-encoding': 'gzip;q=0, identity' });
    assert.equal(reply.headers['content-encoding'], undefined);
    assert.match(reply.body.toString('utf8'), /<html/i);
  });
});

describe('acceptsGzip reads Accept-Encoding with its q-values', () => {
  const cases: [string | undefined, boolean][] = [
    [undefined, false], ['', false], ['identity', false], ['br', false], ['gzip', true], ['GZIP', true], ['x-gzip', true],
    ['gzip;q=0', false], ['gzip; q=0.001', true], ['*', true], ['*;q=0', false], ['gzip;q=0, *', false], ['br, *;q=0.1', true],
    ['gzip;q=abc', false],
  ];
  for (const [header, expected] of cases) {
    it(`${JSON.stringify(header)} → ${expected}`, () => assert.equal(acceptsGzip(header), expected));
  }
});
