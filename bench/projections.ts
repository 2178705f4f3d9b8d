/**
 * npm run bench:projections — speed of the read side (not a test; it prints figures).
 *   rebuild events/s       each projection folded over an in-memory synthetic ledger of BENCH_PROJECTION_EVENTS
 *                          (default 1,000,000) events in 22 cycles; events/s counts every event of the log
 *   as-of latency          `stats --as-of-cycle C` for 5 cycles, answered by the query handler's work (resolve the
 *                          cycle, load the snapshot, read and fold the rest, build the rows) against a real store:
 *                          PostgreSQL if NAS_LEDGER_BENCH_PG is set, else embedded PGlite, holding
 *                          BENCH_PROJECTION_STORE_EVENTS (default 200,000; 0 skips this part) events. Cold = no snapshots (replay from
 *                          position 0); warm = after refreshSnapshots (a snapshot at each CycleCompleted)
 *   peak memory            max RSS of this process (PostgreSQL's own memory is not included)
 * Process start-up and opening the store (seconds for PGlite's WASM) are not part of the query latency.
 */
import { cpus, totalmem, tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { RecordedEvent } from '../domain/shared/event-envelope';
import { cycleStatisticsProjection } from '../projections/cycle-statistics/evolve';
import { cycleStatsRows } from '../projections/cycle-statistics/query';
import { corpusProjection } from '../projections/corpus/evolve';
import { lineageProjection } from '../projections/lineage/evolve';
import { experimentsProjection } from '../projections/experiments/evolve';
import { candidatesProjection } from '../projections/candidates/evolve';
import { foldEvents, type Projection } from '../projections/shared/projection';
import { withTransientFold } from '../projections/shared/transient';
import { openSqlEventStore } from '../src/ledger/open-event-store';
import { ProjectionRunner } from '../src/queries/projection-runner';
import { syntheticLedger } from './projections-synthetic';

const CYCLES = 22;
const AS_OF_CYCLES = [2, 6, 11, 16, 21];
const memEvents = Number(process.env.BENCH_PROJECTION_EVENTS ?? 1_000_000);
const storeEvents = Number(process.env.BENCH_PROJECTION_STORE_EVENTS ?? 200_000);

const PROJECTIONS: ReadonlyArray<Projection<unknown>> = [
  cycleStatisticsProjection, corpusProjection, lineageProjection, experimentsProjection, candidatesProjection,
] as ReadonlyArray<Projection<unknown>>;

const err = (line: string) => process.stderr.write(line + '\n');
const out = (line: string) => process.stdout.write(line + '\n');
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const peakRssMiB = () => process.resourceUsage().maxRSS / 1024;

async function main(): Promise<void> {
  out(`# nas-ledger projections benchmark`);
  out(`machine: ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, node ${process.version}`);
  rebuildInMemory();
  if (storeEvents > 0) await asOfAgainstStore();
  out(`peak memory (max RSS of this process): ${fmt(peakRssMiB())} MiB`);
}

function rebuildInMemory(): void {
  err(`generating ${fmt(memEvents)} synthetic events in ${CYCLES} cycles...`);
  const t0 = process.hrtime.bigint();
  const events = syntheticLedger({ targetEvents: memEvents, cycles: CYCLES, seed: 1, realHashes: false });
  err(`  generated ${fmt(events.length)} events in ${(ms(t0) / 1000).toFixed(1)} s`);
  const perCycle = events.filter((e) => e.type === 'CandidateGenerated').length / CYCLES;
  out(`\n## full rebuild, in memory: ${fmt(events.length)} events, ${CYCLES} cycles, ${fmt(perCycle)} candidates per cycle`);
  out('| projection | handled events | wall s (best of 3) | CPU s (same run) | events/s by wall | events/s by CPU |');
  out('|---|---|---|---|---|---|');
  const row = (name: string, handledCount: string, run: { wall: number; cpu: number }) =>
    out(`| ${name} | ${handledCount} | ${(run.wall / 1000).toFixed(3)} | ${(run.cpu / 1000).toFixed(3)} | ` +
      `${fmt(events.length / (run.wall / 1000))} | ${fmt(events.length / (run.cpu / 1000))} |`);
  for (const projection of PROJECTIONS) {
    const handled = new Set<string>(projection.handledEventTypes);
    const handledCount = events.reduce((n, e) => n + (handled.has(e.type) ? 1 : 0), 0);
    row(projection.name, fmt(handledCount), bestOf3(() => foldEvents(projection, events)));
  }
  // A rebuild of every read model reads the log once and hands each event to the projections that handle it.
  row('all five, one pass', fmt(events.length), bestOf3(() => foldAllInOnePass(events)));
  checkStatsAgree(events);
}

/** Wall and CPU milliseconds of the fastest of three runs (CPU time shows the work when the machine is shared). */
function bestOf3(fn: () => void): { wall: number; cpu: number } {
  let best = { wall: Number.POSITIVE_INFINITY, cpu: 0 };
  for (let run = 0; run < 3; run++) {
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    fn();
    const cpu = process.cpuUsage(c0);
    const wall = ms(t0);
    if (wall < best.wall) best = { wall, cpu: (cpu.user + cpu.system) / 1000 };
  }
  return best;
}

/** A transient fold, as foldEvents and the runner's pages are (projections/shared/transient.ts). */
function foldAllInOnePass(events: readonly RecordedEvent[]): unknown[] {
  const views = PROJECTIONS.map((p) => p.initialView());
  const handlers = new Map<string, number[]>();
  PROJECTIONS.forEach((p, i) => p.handledEventTypes.forEach((t) => handlers.set(t, [...(handlers.get(t) ?? []), i])));
  return withTransientFold(() => {
    for (const event of events) {
      const targets = handlers.get(event.type);
      if (!targets) continue;
      for (const i of targets) views[i] = PROJECTIONS[i]!.evolve(views[i], event);
    }
    return views;
  });
}

/** A benchmark that measured a wrong answer would be worthless: the synthetic cycles must add up. */
function checkStatsAgree(events: RecordedEvent[]): void {
  const rows = cycleStatsRows(foldEvents(cycleStatisticsProjection, events), (events[0]!.data as { experimentId: string }).experimentId)!;
  const generated = events.filter((e) => e.type === 'CandidateGenerated').length;
  const sum = rows.reduce((n, r) => n + r.generated, 0);
  if (rows.length !== CYCLES || sum !== generated) throw new Error(`cycle statistics disagree with the log: ${rows.length} cycles, ${sum} of ${generated} candidates`);
  const last = rows[rows.length - 1]!;
  out(`(check: cycle ${last.cycle} valid rate ${last.validRate?.toFixed(3)}, mean accuracy ${last.meanAccuracy?.toFixed(3)}, ` +
    `diversity ${last.diversity?.toFixed(3)}, corpus ${fmt(last.corpusSize)})`);
}

async function asOfAgainstStore(): Promise<void> {
  const pg = process.env.NAS_LEDGER_BENCH_PG;
  const dir = pg ? null : mkdtempSync(join(tmpdir(), 'nas-ledger-bench-projections-'));
  const store = await openSqlEventStore(pg ?? dir!);
  try {
    if ((await store.head()) !== 0) throw new Error('NAS_LEDGER_BENCH_PG must point at an empty database');
    err(`importing ${fmt(storeEvents)} synthetic events (real hash chain) into ${pg ? 'PostgreSQL' : 'embedded PGlite'}...`);
    let t0 = process.hrtime.bigint();
    const events = syntheticLedger({ targetEvents: storeEvents, cycles: CYCLES, seed: 2, realHashes: true });
    await store.importEvents(events);
    err(`  imported ${fmt(events.length)} events in ${(ms(t0) / 1000).toFixed(1)} s`);
    const experimentId = (events[0]!.data as { experimentId: string }).experimentId;
    const perCycle = events.filter((e) => e.type === 'CandidateGenerated').length / CYCLES;
    out(`\n## stats --as-of-cycle against ${pg ? 'PostgreSQL' : 'embedded PGlite'}: ${fmt(events.length)} events, ${CYCLES} cycles, ${fmt(perCycle)} candidates per cycle`);

    const query = async (runner: ProjectionRunner, cycle: number) => {
      const start = process.hrtime.bigint();
      const at = await runner.viewAsOf(cycleStatisticsProjection, { kind: 'cycle', cycle }, experimentId);
      const rows = cycleStatsRows(at.view, experimentId)!;
      if (rows.length !== cycle) throw new Error(`as of cycle ${cycle}: ${rows.length} rows`);
      return { ms: ms(start), folded: at.eventsFolded };
    };
    const cold = new ProjectionRunner(store, { useSnapshots: false });
    const coldTimes: Array<{ ms: number; folded: number }> = [];
    for (const cycle of AS_OF_CYCLES) coldTimes.push(await query(cold, cycle));
    t0 = process.hrtime.bigint();
    const warmRunner = new ProjectionRunner(store);
    const refreshed = await warmRunner.refreshSnapshots(cycleStatisticsProjection);
    const refreshMs = ms(t0);
    const warmTimes: Array<{ ms: number; folded: number }> = [];
    for (const cycle of AS_OF_CYCLES) warmTimes.push(await query(warmRunner, cycle));
    out('| as of cycle | cold: ms | cold: events folded | with snapshots: ms | events folded |');
    out('|---|---|---|---|---|');
    AS_OF_CYCLES.forEach((cycle, i) => out(
      `| ${cycle} | ${coldTimes[i]!.ms.toFixed(1)} | ${fmt(coldTimes[i]!.folded)} | ${warmTimes[i]!.ms.toFixed(1)} | ${fmt(warmTimes[i]!.folded)} |`));
    out(`(snapshots: ${refreshed.saved} saved by one refresh over the log in ${(refreshMs / 1000).toFixed(1)} s)`);
  } finally {
    await store.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  err(`bench:projections failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  process.exitCode = 1;
});
