import type { RecordedEvent } from '../../domain/shared/event-envelope';
import type { CorpusEntry } from '../../domain/experiment/events';
import { corpusHashOf } from '../../domain/experiment/corpus';
import { asLedgerEvent, cycleOf, experimentIdOf } from '../../domain/experiment/ledger-event';
import { foldEvents } from '../shared/projection';
import { toArray } from '../shared/persistent-vector';
import { corpusProjection } from './evolve';
import type { CorpusMember, CorpusSnapshot, CorpusView } from './view';

/** The corpus of one experiment as the view stands; null when the view has no such experiment. */
export function corpusOf(view: CorpusView, experimentId: string): CorpusSnapshot | null {
  const corpus = view.experiments[experimentId];
  if (!corpus) return null;
  const members = toArray(corpus.members);
  return {
    experimentId,
    size: members.length,
    seedSize: members.filter((m) => m.source === 'seed').length,
    corpusHash: corpusHashOf(members.map((m) => m.codeHash)),
    members,
  };
}

/**
 * The members with their source text, in joining order: what a fine-tune trains on (its corpusVersion counts these).
 * The view keeps code hashes only, so its snapshots and answers stay small; `codeOf` gives the text by entry id
 * (a seed's from CorpusSeeded, an admitted candidate's from its CandidateGenerated). A member whose text is unknown
 * is left out.
 */
export function corpusEntriesOf(members: readonly CorpusMember[], codeOf: (entryId: string) => string | undefined): CorpusEntry[] {
  const entries: CorpusEntry[] = [];
  for (const m of members) {
    const code = codeOf(m.entryId);
    if (code !== undefined) entries.push({ entryId: m.entryId, name: m.name, code, codeHash: m.codeHash, accuracy: m.accuracy });
  }
  return entries;
}

export interface CorpusAsOfOptions {
  /** Stop before the experiment's first event of a later cycle (so: right after this cycle's end); the whole log when absent. */
  readonly cycle?: number;
}

export interface CorpusAsOf extends CorpusSnapshot {
  /** The members with their source text (corpusEntriesOf). */
  readonly entries: readonly CorpusEntry[];
  /** The last cycle of the experiment that completed within the prefix; null when none did. */
  readonly lastCompletedCycle: number | null;
}

/**
 * The corpus of an experiment as of a cycle, for a process without the query side: the corpus projection's evolve
 * folded over the prefix of `events` (in log order) that ends before the experiment's first event of a later cycle.
 * `events` may be any subsequence of the log that holds the experiment's registration, seeding, admissions and the
 * CandidateGenerated events of the admitted candidates (those give the entries' source text); other experiments'
 * events are skipped. Null when the experiment is not registered in `events`.
 */
export function corpusAsOf(events: Iterable<RecordedEvent>, experimentId: string, options: CorpusAsOfOptions = {}): CorpusAsOf | null {
  const prefix: RecordedEvent[] = [];
  const code = new Map<string, string>();
  let lastCompletedCycle: number | null = null;
  for (const recorded of events) {
    const event = asLedgerEvent(recorded);
    if (!event || experimentIdOf(recorded) !== experimentId) continue;
    const cycle = cycleOf(event);
    if (options.cycle !== undefined && cycle !== null && cycle > options.cycle) break;
    if (event.type === 'CorpusSeeded') for (const entry of event.data.entries) code.set(entry.entryId, entry.code);
    if (event.type === 'CandidateGenerated') code.set(event.data.candidateId, event.data.code);
    if (event.type === 'CycleCompleted') lastCompletedCycle = event.data.cycle;
    prefix.push(recorded);
  }
  const corpus = corpusOf(foldEvents(corpusProjection, prefix), experimentId);
  if (!corpus) return null;
  return { ...corpus, entries: corpusEntriesOf(corpus.members, (id) => code.get(id)), lastCompletedCycle };
}
