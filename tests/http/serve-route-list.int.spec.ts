/**
 * The unknown-route 404 hint and `nas-ledger serve --help` named only the first five routes (experiments, stats,
 * candidates, provenance, head) while the controllers had grown groups, theory, corpus, diff, show, studies and live.
 * The routes expected here are the ones Express holds after Nest registered the HTTP module's controllers, so a route
 * added to a controller and missing from either list fails this spec.
 */
import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { EventStore } from '../../src/ledger/event-store.port';
import { openEventStore } from '../../src/ledger/open-event-store';
import { HttpAppModule } from '../../src/http/http-app.module';
import { startHttpServer, type RunningHttpServer } from '../../src/http/http-server';
import { runCli } from '../support/cli-child';
import { fetchJson } from './api-reply';

const dir = mkdtempSync(join(tmpdir(), 'nas-route-list-'));
let store: EventStore;
let server: RunningHttpServer;

before(async () => {
  store = await openEventStore(join(dir, 'ledger'));
  server = await startHttpServer(store, { port: 0, host: '127.0.0.1', maintainSnapshots: false, artifactsDir: join(dir, 'artifacts') });
});

after(async () => {
  await server?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface ExpressLayer { route?: { path: string } }

/** Every /api/… path the served app routes, as Express holds it once Nest registered the HTTP module's controllers. */
async function routedApiPaths(): Promise<string[]> {
  const app = await NestFactory.create<NestExpressApplication>(HttpAppModule.withStore(store, dir), { logger: false });
  try {
    await app.init();
    const stack = (app.getHttpAdapter().getInstance() as { router: { stack: ExpressLayer[] } }).router.stack;
    return [...new Set(stack.flatMap((layer) => (layer.route ? [layer.route.path] : [])))].filter((path) => path.startsWith('/api/')).sort();
  } finally {
    await app.close();
  }
}

/** The /api/… tokens of a text, whole (so /api/experiments is not taken for a prefix of /api/experiments/:id/stats). */
const apiTokens = (text: string): string[] => [...new Set(text.split(/[\s,;()'"`]+/).map((t) => t.replace(/[.:]$/, '')).filter((t) => t.startsWith('/api/')))].sort();

describe('the unknown-route hint, serve --help and the read-only method guard listed only the original routes', () => {
  let routed: string[] = [];
  before(async () => {
    routed = await routedApiPaths();
  });

  it('the app routes the grown route set (the oracle is not empty)', () => {
    for (const route of ['/api/experiments', '/api/groups/:id/novelty-sweep', '/api/studies/:id', '/api/live', '/api/head']) assert.ok(routed.includes(route), route);
  });

  it('the 404 hint for an unknown route names every /api route the app routes, and no other', async () => {
    const reply = await fetchJson(new URL('api/no-such-route', server.url).toString());
    assert.equal(reply.status, 404, reply.text);
    assert.equal(reply.body.code, 'NOT_FOUND');
    assert.deepEqual(apiTokens(String(reply.body.hint)), routed);
  });

  it('`nas-ledger serve --help` names every /api route the app routes, and no other', async () => {
    const run = await runCli(['serve', '--help']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(apiTokens(run.stdout), routed);
  });

  it('POST on every routed path, and on the page, is 405 with Allow: GET, HEAD (the newer routes answered 404)', async () => {
    for (const path of [...routed.map((route) => route.replace(/:\w+/g, 'x')), '/']) {
      const res = await fetch(new URL(path, server.url), { method: 'POST' });
      const body = (await res.json()) as { code?: string };
      assert.deepEqual([res.status, body.code, res.headers.get('allow')], [405, 'UNSUPPORTED', 'GET, HEAD'], path);
    }
  });
});
