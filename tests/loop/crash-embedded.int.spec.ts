import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, lstatSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEventStore } from '../../src/ledger/open-event-store';
import { LOCK_FILE } from '../../src/ledger/adapters/embedded-lock';
import type { RecordedEvent } from '../../domain/shared/event-envelope';
import { assertCompleteAndConsistent, assertOneAgentPerAttempt, experimentEvents } from './loop-assertions';
import { CLI, countType, evaluationInFlight, killHard, spawnNode, takeovers, type Child } from './crash-harness';

const CYCLES = 3;
const PER_CYCLE = 6;
const LEASE_MS = 2500;
const run = (id: string, store: string) => [
  'run', '--id', id, '--generator', 'sim', '--cycles', String(CYCLES), '--candidates', String(PER_CYCLE), '--seed', '5',
  '--store', store, '--concurrency', '2', '--lease-ms', String(LEASE_MS),
];

async function waitForOutput(child: Child, pattern: RegExp, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(child.output())) {
    if (child.process.exitCode !== null || Date.now() > deadline) assert.fail(`no ${what} (exit ${child.process.exitCode}):\n${child.output()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function finish(child: Child, what: string): Promise<string> {
  const code = await Promise.race([child.exited, new Promise<'timeout'>((r) => { setTimeout(() => r('timeout'), 90_000).unref(); })]);
  if (code === 'timeout') { await killHard(child); assert.fail(`${what} did not finish:\n${child.output()}`); }
  assert.equal(code, 0, `${what} exited ${code}:\n${child.output()}`);
  return child.output();
}

/**
 * What the killed process left on disk, read from a copy of the directory: the original keeps the dead process's
 * LOCK for `resume` to take over. Opening the copy is itself a check that PGlite recovers a kill -9.
 */
async function ledgerAtDeath(store: string, experimentId: string): Promise<RecordedEvent[]> {
  const copy = join(mkdtempSync(join(tmpdir(), 'nas-crash-copy-')), 'ledger');
  // The dead process's read socket (read-socket/ledger.sock) stays behind, as after any kill -9; a socket cannot be
  // copied, and the next holder replaces it anyway.
  cpSync(store, copy, { recursive: true, filter: (path) => !lstatSync(path).isSocket() });
  const ledger = await openEventStore(copy);
  try {
    return await experimentEvents(ledger, experimentId);
  } finally {
    await ledger.close();
  }
}

/** After kill -9: the lock names the dead process; resume on the same directory; the ledger holds everything once. */
async function resumeAfterKill(store: string, id: string, victim: Child): Promise<RecordedEvent[]> {
  const owner = JSON.parse(readFileSync(join(store, LOCK_FILE), 'utf8')) as { pid: number };
  assert.equal(owner.pid, victim.process.pid, 'the dead run still holds the embedded LOCK');
  await finish(spawnNode(CLI, ['resume', id, '--store', store, '--concurrency', '2', '--lease-ms', String(LEASE_MS)]), 'resume');
  assert.equal(existsSync(join(store, LOCK_FILE)), false, 'resume released the lock it took over');
  const verify = spawnNode(CLI, ['events', 'verify', '--store', store, '--json']);
  const verified = JSON.parse(await finish(verify, 'events verify')) as { ok: boolean; checked: number };
  assert.equal(verified.ok, true);
  const ledger = await openEventStore(store);
  try {
    const events = await experimentEvents(ledger, id);
    assertCompleteAndConsistent(events, CYCLES, PER_CYCLE);
    assertOneAgentPerAttempt(events);
    assert.ok(verified.checked >= events.length);
    return events;
  } finally {
    await ledger.close();
  }
}

/**
 * The embedded default (PGlite in a directory, in-process bus, sim backends in the same process) killed with
 * SIGKILL: orchestrator and agents die together with the store open, and `nas-ledger resume` on the same directory
 * carries on from what the ledger holds.
 */
describe('crash recovery on the embedded store (PGlite, in-process bus)', () => {
  it('kill -9 run mid-cycle, resume takes the dead LOCK over and completes the experiment once', async () => {
    const store = join(mkdtempSync(join(tmpdir(), 'nas-crash-emb-')), 'ledger');
    const id = 'crash-embedded-cycle';
    const first = spawnNode(CLI, run(id, store), { NAS_SIM_EVAL_DELAY_MS: '400' });
    await waitForOutput(first, /^\s+1\s+\S+%/m, 60_000, 'cycle 1 table row');
    await new Promise((r) => setTimeout(r, 500)); // into cycle 2: 6 evaluations of 400 ms, 2 at a time
    await killHard(first);
    const atDeath = await ledgerAtDeath(store, id);
    assert.equal(countType(atDeath, 'ExperimentCompleted'), 0, 'killed before the end');
    assert.ok(countType(atDeath, 'CycleStarted') > countType(atDeath, 'CycleCompleted'), 'killed inside a cycle');
    assert.ok(countType(atDeath, 'CycleCompleted') >= 1, 'cycle 1 was recorded before the kill');
    await resumeAfterKill(store, id, first);
  });

  it('kill -9 run mid-evaluation: the claim is taken over after its lease, each candidate has one result', async () => {
    const store = join(mkdtempSync(join(tmpdir(), 'nas-crash-emb-')), 'ledger');
    const id = 'crash-embedded-eval';
    const first = spawnNode(CLI, run(id, store), { NAS_SIM_EVAL_DELAY_MS: '3000', NAS_LEDGER_DEBUG: '1' });
    await waitForOutput(first, /claimed evaluate:\S+ \(attempt 1\)/, 60_000, 'an evaluation claimed');
    await new Promise((r) => setTimeout(r, 300));
    await killHard(first);
    const atDeath = await ledgerAtDeath(store, id);
    assert.ok(evaluationInFlight(atDeath), 'an evaluation was claimed and unfinished when run died');
    const events = await resumeAfterKill(store, id, first);
    assert.ok(takeovers(events) >= 1, 'the dead claim was taken over with a second attempt');
  });
});
