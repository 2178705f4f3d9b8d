/**
 * Issue 15: "while `make run` holds the embedded store, `serve` and `stats` exit 8 (LOCKED)". Across real processes:
 * a sim run holds the store; another process's stats, events verify and serve answer through its read socket, a
 * second run still gets LOCKED, and `run --serve` shows the dashboard from the running process. Then the socket a
 * killed run leaves behind.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readSocketPath } from '../../src/ledger/read-socket/socket-path';
import { getJson } from '../http/serve-fixture';
import { spawnCli } from '../support/cli-child';
import { freshDir, runCliIn } from './cli-in-dir';

const root = freshDir('nas-read-running-');
const store = join(root, 'ledger');
const env = { NAS_LEDGER_STORE: '', NAS_LEDGER_ARTIFACTS: '', NAS_SIM_EVAL_DELAY_MS: '800' };
/** A safety net for a loaded machine, never a speed check. */
const LIMIT_MS = 300_000;
after(() => rmSync(root, { recursive: true, force: true }));

/** Resolves with the first match of `pattern` in the child's stderr (rejects if it exits first or after LIMIT_MS). */
function waitForStderr(child: ChildProcessWithoutNullStreams, pattern: RegExp, stdout = false): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`no ${String(pattern)} within ${LIMIT_MS} ms: ${text}`)), LIMIT_MS);
    const onData = (d: Buffer) => {
      text += d.toString();
      const match = pattern.exec(text);
      if (match) { clearTimeout(timer); resolve(match); }
    };
    (stdout ? child.stdout : child.stderr).on('data', onData);
    child.once('close', (code) => { clearTimeout(timer); reject(new Error(`exited ${code} before ${String(pattern)}: ${text}`)); });
  });
}

/** The child's exit status (null when a signal ended it), also when it has already ended. */
const exited = (child: ChildProcessWithoutNullStreams): Promise<number | null> => new Promise((resolve) => {
  if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
  else child.once('exit', (code) => resolve(code));
});

describe('while run holds the embedded store, serve and stats exit 8 (LOCKED)', () => {
  let run: ChildProcessWithoutNullStreams;
  let dashboard = '';
  before(async () => {
    // Slow sim evaluations keep the run alive (and its log small) for as long as the specs need.
    run = spawnCli(['run', '--generator', 'sim', '--cycles', '500', '--candidates', '2', '--concurrency', '1', '--id', 'live', '--store', store,
      '--serve', '0'], env);
    dashboard = (await waitForStderr(run, /dashboard: (http:\/\/\S+)/))[1]!;
  });
  after(async () => {
    if (run.exitCode === null && run.signalCode === null) run.kill('SIGKILL');
    await exited(run);
  });

  it('another process\'s stats answers while the run goes on', async () => {
    const stats = await runCliIn(root, ['stats', 'live', '--store', store, '--json'], env, LIMIT_MS);
    assert.equal(stats.code, 0, stats.output);
    assert.ok(Array.isArray(JSON.parse(stats.stdout)), stats.stdout);
    assert.equal(run.exitCode, null, 'the run is still going');
  });

  it('another process\'s events verify and export answer', async () => {
    const verify = await runCliIn(root, ['events', 'verify', '--store', store], env, LIMIT_MS);
    assert.equal(verify.code, 0, verify.output);
    const verified = Number(/^ok: (\d+) event\(s\) verified/.exec(verify.stdout)?.[1]);
    assert.ok(verified > 0, verify.stdout);
    const exported = await runCliIn(root, ['events', 'export', '--store', store], env, LIMIT_MS);
    assert.equal(exported.code, 0, exported.output);
    // The run keeps appending, so the export holds at least what verify counted a moment before. A fixed count
    // (it was "more than 10") failed on a fast CI machine that asked before the slow sim had written that many.
    const lines = exported.stdout.split('\n').filter(Boolean);
    assert.ok(lines.length >= verified, `${lines.length} exported < ${verified} verified`);
    assert.equal(typeof (JSON.parse(lines[0]!) as { type?: unknown }).type, 'string', lines[0]);
  });

  it('another process\'s serve answers its API', async () => {
    const serve = spawnCli(['serve', '--store', store, '--port', '0', '--json'], env);
    try {
      const url = (await waitForStderr(serve, /"url": "([^"]+)"/, true))[1]!;
      const experiments = await getJson(`${url}api/experiments`);
      assert.equal(experiments.status, 200);
      assert.match(JSON.stringify(experiments.body), /"live"/);
      const head = await getJson(`${url}api/head`);
      assert.equal(head.status, 200, JSON.stringify(head.body));
    } finally {
      serve.kill('SIGTERM');
    }
    assert.equal(await exited(serve), 0);
  });

  it('run --serve shows the dashboard from the running process', async () => {
    const experiments = await getJson(`${dashboard}api/experiments`);
    assert.equal(experiments.status, 200);
    assert.match(JSON.stringify(experiments.body), /"live"/);
    const page = await fetch(dashboard);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<html/i);
  });

  it('a second run on it still gets LOCKED (exit 8) and records nothing', async () => {
    const second = await runCliIn(root, ['run', '--generator', 'sim', '--cycles', '1', '--id', 'second', '--store', store], env, LIMIT_MS);
    assert.equal(second.code, 8, second.output);
    assert.match(second.output, /LOCKED: the embedded ledger .* is in use by process/);
    const experiments = await runCliIn(root, ['experiments', '--store', store, '--json'], env, LIMIT_MS);
    assert.equal(experiments.code, 0, experiments.output);
    assert.doesNotMatch(experiments.stdout, /"second"/);
  });

  it('a run killed with SIGKILL leaves its socket behind; the next command replaces it and cleans up', async () => {
    run.kill('SIGKILL');
    await exited(run);
    assert.equal(statSync(readSocketPath(store)).isSocket(), true, 'the killed run left its socket');
    const stats = await runCliIn(root, ['stats', 'live', '--store', store, '--json'], env, LIMIT_MS);
    assert.equal(stats.code, 0, stats.output);
    assert.equal(existsSync(readSocketPath(store)), false, 'the socket is removed when the store is closed');
    assert.equal(existsSync(join(store, 'LOCK')), false);
  });
});
