import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { EventStore } from '../../src/ledger/event-store.port';
import type { RecordedEvent } from '../../domain/shared/event-envelope';
import { experimentEvents } from './loop-assertions';

/** The compiled build this spec runs from (dist/ or a helper's dist-*), so children run the same code. */
const BUILD = join(__dirname, '..', '..');
export const CLI = join(BUILD, 'src', 'cli', 'process.js');
export const AGENT = join(BUILD, 'src', 'app', 'agent-process.js');

export interface Child { readonly process: ChildProcess; readonly exited: Promise<number | null>; output(): string }

export function spawnNode(script: string, args: readonly string[], env: Record<string, string> = {}): Child {
  const child = spawn(process.execPath, [script, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (b: Buffer) => { output = (output + b.toString()).slice(-20_000); });
  child.stderr?.on('data', (b: Buffer) => { output = (output + b.toString()).slice(-20_000); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { process: child, exited, output: () => output };
}

export function killHard(child: Child): Promise<number | null> {
  child.process.kill('SIGKILL');
  return child.exited;
}

/** Polls the ledger until `predicate` holds on the experiment's events; fails after timeoutMs. */
export async function waitForLedger(
  store: EventStore, experimentId: string, predicate: (events: RecordedEvent[]) => boolean, timeoutMs: number, what: string,
): Promise<RecordedEvent[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const events = await experimentEvents(store, experimentId);
    if (predicate(events)) return events;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (${events.length} events so far)`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** An evaluation job claimed but without a result yet: the agent is mid-evaluation. */
export function evaluationInFlight(events: readonly RecordedEvent[], agentId?: string): boolean {
  const done = new Set(events.filter((e) => e.type === 'CandidateEvaluated' || e.type === 'CandidateRejected').map((e) => `evaluate:${(e.data as { candidateId: string }).candidateId}`));
  return events.some((e) => e.type === 'JobClaimed' && (e.data as { jobId: string }).jobId.startsWith('evaluate:') && !done.has((e.data as { jobId: string }).jobId)
    && (agentId === undefined || (e.data as { agentId: string }).agentId === agentId));
}

export const countType = (events: readonly RecordedEvent[], type: string) => events.filter((e) => e.type === type).length;

/** Claims on evaluation jobs with attempt >= 2: a job taken over after its agent died. */
export function takeovers(events: readonly RecordedEvent[]): number {
  return events.filter((e) => e.type === 'JobClaimed' && (e.data as { attempt: number; jobId: string }).attempt >= 2).length;
}
