import { LedgerError } from '../../../domain/shared/ledger-error';
import { streamIds, type GeneratorRef } from '../../../domain/experiment/events';
import { isEvent } from '../../../domain/experiment/ledger-event';
import { corpusProjection } from '../../../projections/corpus/evolve';
import { corpusOf } from '../../../projections/corpus/query';
import type { CorpusMember } from '../../../projections/corpus/view';
import { cycleStatisticsProjection } from '../../../projections/cycle-statistics/evolve';
import { cycleStatsRows } from '../../../projections/cycle-statistics/query';
import type { CycleStatsRow } from '../../../projections/cycle-statistics/view';
import { candidateRecordsProjection } from '../../../projections/candidate-records/evolve';
import { candidateRecordsOf } from '../../../projections/candidate-records/query';
import type { CandidateRecord } from '../../../projections/candidate-records/view';
import { describeAsOf, type AsOf } from '../../../projections/shared/as-of';
import type { RecordedEvent } from '../../../domain/shared/event-envelope';
import { unknownExperiment, type ProjectionRunner } from '../projection-runner';
import { grammarDrift, type GrammarDrift } from './grammar-drift';

export interface DiffPoint { readonly asOf: AsOf; readonly position: number }

export interface CandidateChange {
  readonly candidateId: string;
  readonly cycle: number;
  readonly index: number;
  /** null: the candidate did not exist at `from`. */
  readonly statusFrom: string | null;
  readonly statusTo: string;
  readonly accuracy: number | null;
  readonly rejectionStage: string | null;
  readonly notAdmittedReason: string | null;
}

export interface CycleStatChange {
  readonly cycle: number;
  /** True when the cycle had not started at `from`. */
  readonly added: boolean;
  /** Only the fields whose value differs (all of them for an added cycle). */
  readonly changes: Readonly<Record<string, { readonly from: unknown; readonly to: unknown }>>;
}

export interface FineTuneStep {
  readonly cycle: number;
  readonly from: GeneratorRef;
  readonly to: GeneratorRef;
  readonly adapterHash: string;
  readonly loss: number | null;
}

export interface GeneratorChange {
  readonly from: GeneratorRef | null;
  readonly to: GeneratorRef | null;
  /** The fine-tunes recorded between the two points. */
  readonly fineTunes: readonly FineTuneStep[];
  /** Grammar only, when the version changed: the decisions whose probabilities moved most (or why they cannot be shown). */
  readonly grammar: GrammarDrift | null;
}

export interface LedgerDiff {
  readonly experimentId: string;
  readonly from: DiffPoint;
  readonly to: DiffPoint;
  readonly head: number;
  readonly corpusAdded: readonly CorpusMember[];
  readonly corpusSize: { readonly from: number; readonly to: number };
  readonly generator: GeneratorChange;
  readonly candidates: readonly CandidateChange[];
  readonly cycles: readonly CycleStatChange[];
}

/** The diff of one experiment between two points: each read model folded to both positions, compared. */
export async function readLedgerDiff(runner: ProjectionRunner, experimentId: string, from: AsOf, to: AsOf, artifactsDir: string): Promise<LedgerDiff> {
  const stream = await runner.store.readStream(streamIds.experiment(experimentId));
  if (stream.length === 0) throw unknownExperiment(experimentId);
  const fromPosition = await runner.resolvePosition(from, experimentId);
  const toPosition = await runner.resolvePosition(to, experimentId);
  if (fromPosition > toPosition) {
    throw new LedgerError('BAD_INPUT',
      `--from (${describeAsOf(from)}, position ${fromPosition}) is after --to (${describeAsOf(to)}, position ${toPosition})`,
      'Swap them: --from names the earlier point.', { fromPosition, toPosition });
  }
  const head = await runner.store.head();
  const both = <T>(read: (position: number) => Promise<T>) => Promise.all([read(fromPosition), read(toPosition)]);
  const [corpusFrom, corpusTo] = await both(async (p) => corpusOf((await runner.viewAt(corpusProjection, p)).view, experimentId));
  const [statsFrom, statsTo] = await both(async (p) => cycleStatsRows((await runner.viewAt(cycleStatisticsProjection, p)).view, experimentId) ?? []);
  const [recordsFrom, recordsTo] = await both(async (p) => candidateRecordsOf((await runner.viewAt(candidateRecordsProjection, p)).view, [experimentId]));
  const known = new Set((corpusFrom?.members ?? []).map((m) => m.entryId));
  return {
    experimentId,
    from: { asOf: from, position: fromPosition },
    to: { asOf: to, position: toPosition },
    head,
    corpusAdded: (corpusTo?.members ?? []).filter((m) => !known.has(m.entryId)),
    corpusSize: { from: corpusFrom?.size ?? 0, to: corpusTo?.size ?? 0 },
    generator: generatorChange(stream, fromPosition, toPosition, artifactsDir),
    candidates: candidateChanges(recordsFrom, recordsTo),
    cycles: cycleChanges(statsFrom, statsTo),
  };
}

function generatorAt(stream: readonly RecordedEvent[], position: number): GeneratorRef | null {
  let generator: GeneratorRef | null = null;
  for (const event of stream) {
    if (event.globalPosition > position) break;
    if (isEvent(event, 'CycleStarted')) generator = event.data.generator;
    if (isEvent(event, 'GeneratorFineTuned')) generator = event.data.to;
  }
  return generator;
}

function generatorChange(stream: readonly RecordedEvent[], from: number, to: number, artifactsDir: string): GeneratorChange {
  const before = generatorAt(stream, from);
  const after = generatorAt(stream, to);
  const fineTunes = stream.filter((e) => e.globalPosition > from && e.globalPosition <= to)
    .flatMap((e) => isEvent(e, 'GeneratorFineTuned')
      ? [{ cycle: e.data.cycle, from: e.data.from, to: e.data.to, adapterHash: e.data.adapterHash, loss: e.data.loss }] : []);
  // The grammar's drift is measured from the version in use at `from` (or the first one recorded) to the one at `to`.
  const start = before ?? fineTunes[0]?.from ?? null;
  const grammar = start && after && start.id === 'grammar' && after.id === 'grammar' && start.version !== after.version
    ? grammarDrift(artifactsDir, start.version, after.version) : null;
  return { from: before, to: after, fineTunes, grammar };
}

function candidateChanges(before: readonly CandidateRecord[], after: readonly CandidateRecord[]): CandidateChange[] {
  const earlier = new Map(before.map((r) => [r.candidateId, r]));
  return after.filter((r) => earlier.get(r.candidateId)?.lastPosition !== r.lastPosition).map((r) => ({
    candidateId: r.candidateId, cycle: r.cycle, index: r.index, statusFrom: earlier.get(r.candidateId)?.status ?? null, statusTo: r.status,
    accuracy: r.evaluation?.accuracy ?? null, rejectionStage: r.rejection?.stage ?? null, notAdmittedReason: r.admission?.notAdmittedReason ?? null,
  }));
}

function cycleChanges(before: readonly CycleStatsRow[], after: readonly CycleStatsRow[]): CycleStatChange[] {
  const earlier = new Map(before.map((r) => [r.cycle, r]));
  const out: CycleStatChange[] = [];
  for (const row of after) {
    const old = earlier.get(row.cycle) as Readonly<Record<string, unknown>> | undefined;
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    for (const [key, value] of Object.entries(row)) {
      if (key === 'cycle') continue;
      const was = old?.[key] ?? null;
      if (JSON.stringify(was) !== JSON.stringify(value)) changes[key] = { from: was, to: value };
    }
    if (!old || Object.keys(changes).length > 0) out.push({ cycle: row.cycle, added: !old, changes });
  }
  return out;
}
