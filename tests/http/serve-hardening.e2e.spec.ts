import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildExperimentHistory } from '../support/ledger-fixtures';
import { seedStore } from '../support/seeded-store';
import { spawnCli } from '../support/cli-child';

const history = buildExperimentHistory({ cycles: 2, candidatesPerCycle: 4, seed: 7 });

interface Reply { status: number; headers: Record<string, string | string[] | undefined>; body: string }

/** A raw HTTP request, so the Host header is exactly what a DNS-rebinding page would send. */
function send(url: string, path: string, options: { method?: string; host?: string } = {}): Promise<Reply> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, method: options.method ?? 'GET',
      headers: { accept: 'application/json', ...(options.host !== undefined ? { host: options.host } : {}) } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Issue 12, serve: it must listen on 127.0.0.1 unless told otherwise, refuse Host headers that are not this
 * server (DNS rebinding), answer 405 with Allow for wrong methods on known routes, and close connections that send nothing.
 */
describe('serve answers any Host header, any method, and keeps silent connections open', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nas-serve-hard-'));
  const store = join(dir, 'ledger');
  let url = '';
  let stop: () => Promise<number> = () => Promise.resolve(0);

  before(async () => {
    await seedStore(store, [history]);
    // No --store and no --host: the store comes from NAS_LEDGER_STORE, the address from the default.
    const child = spawnCli(['serve', '--port', '0', '--json'], { NAS_LEDGER_STORE: store });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
    url = await new Promise<string>((resolve, reject) => {
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        const match = /"url":\s*"([^"]+)"/.exec(stdout);
        if (match) resolve(match[1]!);
      });
      void exited.then((code) => reject(new Error(`serve exited with ${code} before listening:\n${stderr}`)));
    });
    stop = async () => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    };
  });
  after(async () => {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 by default and reads $NAS_LEDGER_STORE', async () => {
    assert.equal(new URL(url).hostname, '127.0.0.1');
    const reply = await send(url, '/api/experiments');
    assert.equal(reply.status, 200, reply.body);
    assert.match(reply.body, new RegExp(history.experimentId));
  });

  it('accepts the names of this machine in the Host header', async () => {
    const port = new URL(url).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      const reply = await send(url, '/api/head', { host });
      assert.equal(reply.status, 200, `${host}: ${reply.body}`);
    }
  });

  it('refuses a foreign Host header (DNS rebinding) with 421 and a JSON error', async () => {
    const port = new URL(url).port;
    for (const host of [`evil.example:${port}`, 'evil.example', `127.0.0.1:${Number(port) === 1 ? 2 : 1}`, `localhost.evil.example:${port}`]) {
      const reply = await send(url, '/api/experiments', { host });
      assert.equal(reply.status, 421, `${JSON.stringify(host)}: ${reply.body}`);
      const body = JSON.parse(reply.body) as { code: string; message: string; hint: string };
      assert.equal(typeof body.code, 'string');
      assert.match(body.hint, /--host|--allow-host/);
      assert.doesNotMatch(reply.body, new RegExp(history.experimentId), 'data served to a foreign host');
    }
  });

  it('answers 405 with an Allow header for a wrong method on a known route', async () => {
    for (const [method, path] of [['POST', '/api/experiments'], ['DELETE', `/api/experiments/${history.experimentId}/stats`], ['PUT', '/api/head'], ['POST', '/']]) {
      const reply = await send(url, path!, { method });
      assert.equal(reply.status, 405, `${method} ${path}: ${reply.body}`);
      assert.match(String(reply.headers.allow), /GET/);
      assert.equal((JSON.parse(reply.body) as { code: string }).code, 'UNSUPPORTED');
    }
    const unknown = await send(url, '/api/nothing-here', { method: 'POST' });
    assert.equal(unknown.status, 404, unknown.body);
  });

  it('closes a connection that sends nothing', async () => {
    const u = new URL(url);
    const socket = connect(Number(u.port), u.hostname);
    const limit = 30_000; // three times the server's 10 s headers timeout; Node's defaults (60 s, checked every 30 s) fail it
    const closed = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => { socket.destroy(); resolve(false); }, limit);
      socket.on('close', () => { clearTimeout(timer); resolve(true); });
      socket.on('error', () => undefined);
      socket.resume();
    });
    assert.ok(closed, `the server kept a silent connection open for ${limit} ms`);
  });
});
