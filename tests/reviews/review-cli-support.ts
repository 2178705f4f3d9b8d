import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { CLI, killHard, spawnNode, type Child } from '../loop/crash-harness';
import { openEventStore } from '../../src/ledger/open-event-store';
import type { RecordedEvent } from '../../domain/shared/event-envelope';

/** A scratch directory under /var/tmp (the sandbox hides /tmp from candidates). */
export const scratchDir = (prefix: string): string => mkdtempSync(join('/var/tmp', `nas-ledger-test-${prefix}-`));

export interface CliResult { readonly code: number | null; readonly stdout: string; readonly output: string }

/** Runs the compiled CLI to its end; fails the test on a timeout. */
export async function cli(args: readonly string[], env: Record<string, string>, timeoutMs = 300_000): Promise<CliResult> {
  const child = spawnNode(CLI, args, env);
  let stdout = '';
  child.process.stdout?.on('data', (b: Buffer) => { stdout += b.toString(); });
  const code = await Promise.race([child.exited, new Promise<'timeout'>((r) => { setTimeout(() => r('timeout'), timeoutMs).unref(); })]);
  if (code === 'timeout') { await killHard(child); assert.fail(`nas-ledger ${args.join(' ')} did not finish:\n${child.output()}`); }
  return { code, stdout, output: child.output() };
}

export function startCli(args: readonly string[], env: Record<string, string>): Child {
  return spawnNode(CLI, args, env);
}

/**
 * The small grammar run the review specs share: 2 cycles x 3 candidates in delta mode, 256 training and 256 validation
 * Fashion-MNIST images, one torch thread, the embedded store. τ = 0.05 admits most of cycle 1 (accuracies near 0.1
 * on 256 images), so cycle 2 has grammar-written parents and writes delta-mode children.
 */
export async function smallGrammarRun(id: string, store: string, env: Record<string, string>, extra: readonly string[] = []): Promise<void> {
  const run = await cli(['run', '--id', id, '--generator', 'grammar', '--dataset', 'fashion-mnist', '--subset', '256', '--val-subset', '256',
    '--device', 'cpu', '--cycles', '2', '--candidates', '3', '--threshold', '0.05', '--seed', '3', '--delta', '--store', store, '--json', ...extra], env, 400_000);
  assert.equal(run.code, 0, run.output);
}

/** Every event of the store, in log order (the store must not be held by a process that writes). */
export async function allEvents(store: string): Promise<RecordedEvent[]> {
  const ledger = await openEventStore(store);
  try {
    return await ledger.readAll();
  } finally {
    await ledger.close();
  }
}

export interface ReviewedData {
  readonly reviewId: string; readonly candidateId: string; readonly verdict: string; readonly deltas: Record<string, number>;
  readonly likelyCause: string | null; readonly remedy: string | null; readonly regenerated: boolean | null;
  readonly environmentDifferences: readonly { field: string; recorded: unknown; observed: unknown }[];
  readonly outcomeDifferences: readonly { field: string; recorded: unknown; observed: unknown }[];
}

export const reviewedOf = (events: readonly RecordedEvent[], reviewId: string): ReviewedData[] =>
  events.filter((e) => e.type === 'CandidateReviewed' && (e.data as ReviewedData).reviewId === reviewId).map((e) => e.data as ReviewedData);

/** Candidate streams as (stream -> event ids): a review must leave them exactly as they were. */
export function candidateStreams(events: readonly RecordedEvent[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const e of events) if (e.streamId.startsWith('candidate-')) out.set(e.streamId, [...out.get(e.streamId) ?? [], e.eventId]);
  return out;
}

/** A copy of the Fashion-MNIST files with one byte of the training images changed; returns the NAS_LEDGER_DATA root. */
export function alteredFashionMnist(source = process.env.NAS_LEDGER_DATA || '/usr/share/datasets'): string {
  const root = scratchDir('altered-data');
  const from = join(source, 'fashion-mnist');
  const to = join(root, 'fashion-mnist');
  cpSync(from, to, { recursive: true });
  const images = readdirSync(to).find((f) => f.startsWith('train-images'));
  assert.ok(images, `no train-images file in ${from}`);
  // One pixel of the last training image changed (the file stays a valid gzip of a valid IDX file).
  const path = join(to, images);
  const raw = images.endsWith('.gz') ? gunzipSync(readFileSync(path)) : readFileSync(path);
  raw[raw.length - 1] = (raw[raw.length - 1]! + 1) % 256;
  writeFileSync(path, images.endsWith('.gz') ? gzipSync(raw) : raw);
  return root;
}
