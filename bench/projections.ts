/**
 * npm run bench:projections — speed of the read side (not a test; it prints figures).
 *   rebuild events/s       each projection folded over an in-memory synthetic ledger of BENCH_PROJECTION_EVENTS
 *                          (default 1,000,000) events in 22 cycles; events/s counts every event of the log
 *   as-of latency          `stats --as-of-cycle C` for 5 cycles, answered by the query handler's work (resolve the
 *                          cycle, load the snapshot, read and fold the rest, build the rows) against a real store:
 *                          PostgreSQL if NAS_LEDGER_BENCH_PG is set, else embedded PGlite, holding
 *                          BENCH_PROJECTION_STORE_EVENTS (default 200,000) events. Cold = no snapshots (replay from
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
  await asOfAgainstStore();
  out(`peak memory (max RSS of this process): ${fmt(peakRssMiB())} MiB`);
}

function rebuildInMemory(): void {
  err(`generating ${fmt(memEvents)} synthetic events in ${CYCLES} cycles...`);
  let t0 = process.hrtime.bigint();
  const events = syntheticLedger({ targetEvents: memEvents, cycles: CYCLES, seed: 1, realHashes: false });
  err(`  generated ${fmt(events.length)} events in ${(ms(t0) / 1000).toFixed(1)} s`);
  const perCycle = events.filter((e) => e.type === 'CandidateGenerated').length / CYCLES;
  out(`\n## full rebuild, in memory: ${fmt(events.length)} events, ${CYCLES} cycles, ${fmt(perCycle)} candidates per cycle`);
  out('| projection | handled events | best of 3, s | events/s (whole log) |');
  out('|---|---|---|---|');
  let total = 0;
  for (const projection of PROJECTIONS) {
    const handled = new Set<string>(projection.handledEventTypes);
    const handledCount = events.reduce((n, e) => n + (handled.has(e.type) ? 1 : 0), 0);
    let best = Number.POSITIVE_INFINITY;
    for (let run = 0; run < 3; run++) {
      t0 = process.hrtime.bigint();
      foldEvents(projection, events);
      best = Math.min(best, ms(t0));
    }
    total += best;
    out(`| ${projection.name} | ${fmt(handledCount)} | ${(best / 1000).toFixed(3)} | ${fmt(events.length / (best / 1000))} |`);
  }
  out(`| all five, one after another | | ${(total / 1000).toFixed(3)} | ${fmt(events.length / (total / 1000))} |`);
  checkStatsAgree(events);
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
