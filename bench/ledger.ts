/**
 * npm run bench:ledger — throughput of the event store on each adapter (not a test; it prints figures).
 *   single-event appends/s   one event per append() call (one transaction each)
 *   batched events/s         100 events per append() call, while filling the store
 *   readAll events/s         (first pass: every event checked against its hash, on the text its json columns hold;
 *                            a second pass over the same positions,
 *                            already verified, is the read without hashing; a third pass hashes each event as checked
 *                            reads did before 2026-12-07, from data and metadata serialized again: both printed with
 *                            the ratio of the checked read to them)
 *                            paging through the whole log with iterateAll at its default page (5,000 events, what the
 *                            product's replays use; 10,000-event pages measured 20-40% slower, mostly in the young
 *                            generation's GC, as two pages in flight outgrow it)
 *   peak RSS                 of the benchmark process (for PostgreSQL the server's memory is not included;
 *                            for the embedded store, creating a new store (initdb) peaks once at ~900 MiB and is excluded)
 * Each adapter runs in its own child process so peak RSS is per adapter.
 * Sizes: BENCH_PG_EVENTS (default 1,000,000), BENCH_EMBEDDED_EVENTS (default 200,000); the read passes run in
 * BENCH_READ_ROUNDS rounds (default 3), each on the store opened anew, and the best of each is printed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewEvent } from '../domain/shared/event-envelope';
import { eventHash } from '../src/ledger/hash-chain';
import { iterateAll } from '../src/ledger/iterate-all';
import { openSqlEventStore } from '../src/ledger/open-event-store';
import { startPostgres } from '../tests/support/postgres-server';

interface Figures {
  readonly adapter: string;
  readonly singleAppendsPerSec: number;
  readonly singleCount: number;
  readonly batchedEventsPerSec: number;
  readonly batchedCount: number;
  /** First read in the process: every event checked against its hash. */
  readonly readAllEventsPerSec: number;
  readonly readAllCount: number;
  /** The same positions read again: already verified, no hashing (what a read cost before reads were checked). */
  readonly readAgainEventsPerSec: number;
  /**
   * Read again, each event hashed as checked reads did before they hashed the stored text: data and metadata
   * serialized again from the parsed values (eventHash). The same work on the same data, in the same process.
   */
  readonly readReserializedEventsPerSec: number;
  /** The benchmark process's CPU time per event read in each pass (best round): steadier than rates on a busy machine. */
  readonly readCpuMicrosPerEvent: { readonly checked: number; readonly verified: number; readonly reserialized: number };
  readonly peakRssMiB: number;
  /** 1-minute load average at the start and end: figures taken on a busy machine say so. */
  readonly load: string;
}

function event(i: number): NewEvent {
  // Roughly the size of a CandidateEvaluated event (~400 bytes of data).
  return {
    eventId: randomUUID(),
    type: 'BenchEvaluated',
    schemaVersion: 1,
    data: {
      experimentId: 'bench', cycle: i % 20, candidateId: `bench.c${i % 20}.${i}`, accuracy: 0.5 + (i % 100) / 1000,
      loss: 1.25, params: 123456 + i, dataset: { id: 'cifar10', contentHash: 'ab'.repeat(32) },
      protocolHash: 'cd'.repeat(32), seed: i, device: 'cpu', libraries: { torch: '1.13.1' },
      timings: { instantiate: 0.01, forward: 0.02, train: 12.5, eval: 1.1, total: 13.63 },
    },
    metadata: {
      commandId: randomUUID(), correlationId: 'bench', causationId: null, actor: 'bench',
      recordedAt: new Date(1_767_225_600_000 + i * 1000).toISOString(),
    },
  };
}

async function runAdapter(adapter: 'postgres' | 'embedded', total: number, location: string): Promise<Figures> {
  const loadBefore = loadavg()[0]!.toFixed(1);
  const store = await openSqlEventStore(location);
  const singleCount = adapter === 'postgres' ? 3000 : 2000;
  let t = performance.now();
  for (let i = 0; i < singleCount; i++) await store.append(`single-${i % 50}`, [event(i)], 'any');
  const singleAppendsPerSec = singleCount / ((performance.now() - t) / 1000);
  progress(`${adapter}: single ${singleAppendsPerSec.toFixed(0)}/s`);

  const batches = Math.ceil((total - singleCount) / 100);
  t = performance.now();
  for (let b = 0; b < batches; b++) {
    await store.append(`batch-${b % 1000}`, Array.from({ length: 100 }, (_, i) => event(b * 100 + i)), 'any');
    if (b % 1000 === 999) progress(`${adapter}: ${(b + 1) * 100} batched events`);
  }
  const batchedCount = batches * 100;
  const batchedEventsPerSec = batchedCount / ((performance.now() - t) / 1000);
  progress(`${adapter}: batched ${batchedEventsPerSec.toFixed(0)}/s`);

  await store.close();

  // The first read of each event by a store checks it against its hash; a second read of the same positions skips
  // that (already verified); a third hashes each event again from its parsed values, as checked reads did before.
  // The three passes, on one store in one process, are the read with, without and with the old hashing. Each round
  // opens the store anew (a new store checks again); the best round of each is kept, as other load only slows.
  const rounds = Number(process.env.BENCH_READ_ROUNDS ?? 3);
  const best = { checked: 0, verified: 0, reserialized: 0 };
  const cpu = { checked: Infinity, verified: Infinity, reserialized: Infinity };
  let readAllCount = 0;
  for (let round = 1; round <= rounds; round++) {
    const reader = await openSqlEventStore(location);
    const readPass = async (kind: keyof typeof best): Promise<void> => {
      const start = performance.now();
      const cpuStart = process.cpuUsage();
      let count = 0;
      let lastPosition = 0;
      for await (const e of iterateAll(reader)) {
        if (e.globalPosition !== lastPosition + 1) throw new Error(`readAll skipped from ${lastPosition} to ${e.globalPosition}`);
        if (kind === 'reserialized' && eventHash(e.prevHash, e) !== e.hash) throw new Error(`position ${e.globalPosition} fails its hash`);
        lastPosition = e.globalPosition;
        count++;
      }
      const perSec = count / ((performance.now() - start) / 1000);
      const used = process.cpuUsage(cpuStart);
      best[kind] = Math.max(best[kind], perSec);
      cpu[kind] = Math.min(cpu[kind], (used.user + used.system) / count);
      readAllCount = count;
      progress(`${adapter}: round ${round}: readAll (${kind}) ${perSec.toFixed(0)}/s, ${((used.user + used.system) / count).toFixed(1)} µs CPU/event`);
    };
    await readPass('checked');
    if (reader.eventsHashedOnRead !== readAllCount) throw new Error('the first readAll did not hash every event');
    // A new store keeps json columns: every event must be hashed on its stored text, none serialized again.
    if (reader.eventsHashedFromParsedOnRead !== 0) throw new Error(`${reader.eventsHashedFromParsedOnRead} events were hashed from parsed values`);
    await readPass('verified');
    await readPass('reserialized');
    await reader.close();
  }
  const readAllEventsPerSec = best.checked;
  const readAgainEventsPerSec = best.verified;
  const readReserializedEventsPerSec = best.reserialized;
  const readCpuMicrosPerEvent = cpu;
  return {
    adapter, singleAppendsPerSec, singleCount, batchedEventsPerSec, batchedCount, readAllEventsPerSec, readAllCount, readAgainEventsPerSec,
    readReserializedEventsPerSec, readCpuMicrosPerEvent,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    load: `${loadBefore} → ${loadavg()[0]!.toFixed(1)}`,
  };
}

function progress(line: string): void {
  process.stderr.write(`  ${line}\n`);
}

async function child(adapter: 'postgres' | 'embedded'): Promise<void> {
  if (adapter === 'postgres') {
    // fsync on: these are figures for a durable server, not the tests' fsync=off set-up.
    const server = await startPostgres({ fsync: true });
    try {
      const url = await server.createDatabase('ledger_bench');
      const figures = await runAdapter('postgres', Number(process.env.BENCH_PG_EVENTS ?? 1_000_000), url);
      process.stdout.write(JSON.stringify(figures) + '\n');
    } finally {
      await server.stop();
    }
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'nas-ledger-bench-'));
    try {
      // First-time creation runs PGlite's initdb, a one-off ~900 MiB peak; do it in another process so the
      // figure below is the peak of a running store.
      const create = `require(${JSON.stringify(join(__dirname, '../src/ledger/open-event-store.js'))})` +
        `.openSqlEventStore(${JSON.stringify(dir)}).then((s) => s.close())`;
      execFileSync(process.execPath, ['-e', create]);
      const figures = await runAdapter('embedded', Number(process.env.BENCH_EMBEDDED_EVENTS ?? 200_000), dir);
      process.stdout.write(JSON.stringify(figures) + '\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

function machine(): string {
  let model = cpus()[0]?.model ?? 'unknown CPU';
  try {
    const lscpu = execFileSync('lscpu', { encoding: 'utf8' });
    model = /Model name:\s*(.+)/.exec(lscpu)?.[1]?.trim() ?? model;
  } catch { /* lscpu missing: keep os.cpus() */ }
  return `${cpus().length} cores, ${model}, node ${process.version}`;
}

function main(): void {
  const adapter = process.argv[2];
  if (adapter === 'postgres' || adapter === 'embedded') {
    child(adapter).catch((error: unknown) => { console.error(error); process.exit(1); });
    return;
  }
  const wanted = (process.env.BENCH_ADAPTERS ?? 'embedded,postgres').split(',');
  console.log(`nas-ledger event store benchmark — ${machine()}`);
  const rows: Figures[] = [];
  for (const a of wanted) {
    console.error(`running ${a} ...`);
    const r = spawnSync(process.execPath, [__filename, a], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (r.status !== 0) throw new Error(`${a} benchmark failed (${r.status})`);
    rows.push(JSON.parse(r.stdout.trim().split('\n').pop()!) as Figures);
  }
  const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
  console.log('| adapter | single-event appends/s | batched events/s (100/batch) | readAll events/s (hash-checked) | readAll again (verified: no hashing) | readAll hashed as before (re-serialized) | events read | peak RSS (MiB) | load avg (1 min) |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}x`;
  for (const f of rows) {
    console.log(`| ${f.adapter} | ${fmt(f.singleAppendsPerSec)} | ${fmt(f.batchedEventsPerSec)} | ${fmt(f.readAllEventsPerSec)} | ` +
      `${fmt(f.readAgainEventsPerSec)} (checked: ${ratio(f.readAllEventsPerSec, f.readAgainEventsPerSec)}) | ` +
      `${fmt(f.readReserializedEventsPerSec)} (checked: ${ratio(f.readAllEventsPerSec, f.readReserializedEventsPerSec)}) | ` +
      `${fmt(f.readAllCount)} | ${fmt(f.peakRssMiB)} | ${f.load} |`);
  }
  for (const f of rows) {
    const c = f.readCpuMicrosPerEvent;
    console.log(`${f.adapter}: readAll CPU of this process per event: hash-checked ${c.checked.toFixed(1)} µs, verified ` +
      `${c.verified.toFixed(1)} µs, hashed as before ${c.reserialized.toFixed(1)} µs`);
  }
}

main();
