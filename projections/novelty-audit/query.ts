import { TextSigner } from '../../domain/novelty/text-signature';
import { shingleSet } from '../../domain/novelty/shingles';
import { tInterval } from '../../domain/stats/intervals';
import type { AuditedEntry, ExperimentNoveltyAudit, NoveltyAuditView, TurnedAway } from './view';

export interface EntryPair {
  readonly a: string;
  readonly b: string;
  /** Exact Jaccard similarity of the two programs' shingle sets (the filter's tokens, names and k). */
  readonly jaccard: number;
  readonly distance: number;
}

export interface AccuracySummary {
  readonly count: number;
  readonly mean: number | null;
  readonly ci: readonly [number, number] | null;
  readonly max: number | null;
}

export interface NoveltyAuditResult {
  readonly experimentId: string;
  readonly tau: number;
  /** δ = 1 − τ: every pair with an admitted member must lie at least this far apart (Jaccard distance). */
  readonly delta: number;
  readonly filterOn: boolean;
  readonly corpusSize: number;
  readonly admitted: number;
  /** Mean pairwise exact Jaccard distance over the whole corpus; null below two entries. */
  readonly diversity: number | null;
  /** The closest pair of the whole corpus (seed entries included). */
  readonly closestPair: EntryPair | null;
  /** Pairs with at least one admitted member, each checked with the exact Jaccard. */
  readonly separation: {
    readonly checkedPairs: number;
    readonly closestPair: EntryPair | null;
    /** Pairs closer than δ: the corpus is not δ-separated. */
    readonly violations: readonly EntryPair[];
    /** Entries whose source does not tokenize (not checked). */
    readonly untokenizable: readonly string[];
  };
  readonly admittedAccuracy: AccuracySummary;
  /** The admitted candidates' accuracies, in admission order. */
  readonly admittedAccuracies: readonly number[];
  readonly turnedAwayAccuracy: AccuracySummary;
  readonly turnedAway: readonly TurnedAway[];
  readonly cycles: readonly { readonly cycle: number; readonly admitted: number; readonly completed: boolean }[];
  readonly completedCyclesWithoutAdmission: readonly number[];
}

export function noveltyAuditOf(view: NoveltyAuditView, experimentId: string): ExperimentNoveltyAudit | null {
  return view.experiments[experimentId] ?? null;
}

/** Exact Jaccard over every corpus pair (O(n²) set intersections: fine for corpora of hundreds). */
export function auditCorpus(audit: ExperimentNoveltyAudit): NoveltyAuditResult {
  const signer = new TextSigner(audit.text);
  const untokenizable: string[] = [];
  const sets: { entry: AuditedEntry; shingles: Set<string> }[] = [];
  for (const entry of audit.corpus) {
    try {
      sets.push({ entry, shingles: shingleSet(signer.tokenTexts(entry.code), audit.text.shingleSize) });
    } catch {
      untokenizable.push(entry.entryId);
    }
  }
  const delta = 1 - audit.tau;
  let distanceSum = 0, pairs = 0, checkedPairs = 0;
  let closest: EntryPair | null = null, closestChecked: EntryPair | null = null;
  const violations: EntryPair[] = [];
  for (let i = 0; i < sets.length; i++) {
    for (let j = i + 1; j < sets.length; j++) {
      const x = sets[i]!, y = sets[j]!;
      const jaccard = exactJaccard(x.shingles, y.shingles);
      const pair = { a: x.entry.entryId, b: y.entry.entryId, jaccard, distance: 1 - jaccard };
      distanceSum += pair.distance; pairs++;
      if (!closest || pair.distance < closest.distance) closest = pair;
      if (x.entry.source !== 'admitted' && y.entry.source !== 'admitted') continue;
      checkedPairs++;
      if (!closestChecked || pair.distance < closestChecked.distance) closestChecked = pair;
      // The filter calls J > τ a near-duplicate, so a separated pair has J <= τ; 1e-12 absorbs float rounding.
      if (jaccard > audit.tau + 1e-12) violations.push(pair);
    }
  }
  const admittedAccuracies = audit.corpus.filter((e) => e.source === 'admitted').map((e) => e.accuracy ?? NaN).filter((a) => !Number.isNaN(a));
  return {
    experimentId: audit.experimentId, tau: audit.tau, delta, filterOn: audit.filterOn, corpusSize: audit.corpus.length,
    admitted: admittedAccuracies.length,
    diversity: pairs ? distanceSum / pairs : null, closestPair: closest,
    separation: { checkedPairs, closestPair: closestChecked, violations, untokenizable },
    admittedAccuracy: summary(admittedAccuracies), admittedAccuracies,
    turnedAwayAccuracy: summary(audit.turnedAway.map((t) => t.accuracy)),
    turnedAway: audit.turnedAway,
    cycles: audit.cycles,
    completedCyclesWithoutAdmission: audit.cycles.filter((c) => c.completed && c.admitted === 0).map((c) => c.cycle),
  };
}

/** As the filter's MinHash treats it, an empty program (no tokens) is similar to nothing, not even another empty one. */
export function exactJaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const s of small) if (large.has(s)) shared++;
  return shared / (a.size + b.size - shared);
}

function summary(values: readonly number[]): AccuracySummary {
  const t = tInterval(values);
  return {
    count: values.length,
    mean: values.length ? values.reduce((s, v) => s + v, 0) / values.length : null,
    ci: t ? [t.interval[0], t.interval[1]] : null,
    max: values.length ? Math.max(...values) : null,
  };
}
