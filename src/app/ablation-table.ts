import { isEvent } from '../../domain/experiment/ledger-event';
import type { RecordedEvent } from '../../domain/shared/event-envelope';
import { tInterval, wilsonInterval } from '../../domain/stats/intervals';
import { DEFAULT_NOVELTY, type AblationSwitches } from '../../domain/experiment/config';
import { nearDuplicateStats } from '../../domain/generators/near-duplicates';

/** The paper's Table 3 row for one experiment, pooled over all its cycles. */
export interface AblationRow {
  readonly variant: string;
  readonly experimentId: string;
  readonly generated: number;
  readonly valid: number;
  readonly validRate: number;
  readonly validRateCI: readonly [number, number] | null;
  readonly meanAccuracy: number | null;
  readonly meanAccuracyCI: readonly [number, number] | null;
  readonly aboveThreshold: number | null;
  readonly admitted: number;
  /**
   * The paper's "novel models" column, asked of the admitted programs themselves (with or without a filter): how
   * many near-duplicate clusters they form at the experiment's τ (exact Jaccard over the filter's token shingles,
   * J > τ joins two programs) ...
   */
  readonly distinctAdmittedText: number;
  /** ... and how many distinct structural fingerprints (CandidateEvaluated.structuralFingerprint; one without counts alone). */
  readonly distinctAdmittedStructural: number;
  /** Pairs of admitted programs with J > τ: the near-duplicates in the corpus the generator is fine-tuned on. */
  readonly nearDuplicatePairsAdmitted: number;
  /** Candidates the novelty check flagged as near-duplicates (the sum of the paper's rejection_count over cycles). */
  readonly nearDuplicatesFlagged: number;
}

export const ABLATION_VARIANTS: readonly { readonly variant: string; readonly switches: AblationSwitches }[] = [
  { variant: 'full', switches: { noNovelty: false, noThreshold: false, noIteration: false } },
  { variant: 'no novelty', switches: { noNovelty: true, noThreshold: false, noIteration: false } },
  { variant: 'no threshold', switches: { noNovelty: false, noThreshold: true, noIteration: false } },
  { variant: 'no iteration', switches: { noNovelty: false, noThreshold: false, noIteration: true } },
];

export function ablationRow(variant: string, experimentId: string, threshold: number, events: readonly RecordedEvent[]): AblationRow {
  const generated = events.filter((e) => e.type === 'CandidateGenerated').length;
  const registered = events.find((e) => isEvent(e, 'ExperimentRegistered'));
  const params = registered && isEvent(registered, 'ExperimentRegistered') ? registered.data.config.novelty : DEFAULT_NOVELTY;
  const admittedIds = new Set(events.flatMap((e) => (isEvent(e, 'CandidateAdmitted') ? [e.data.candidateId] : [])));
  const code = new Map(events.flatMap((e) => (isEvent(e, 'CandidateGenerated') ? [[e.data.candidateId, e.data.code] as const] : [])));
  const fingerprints = new Map(events.flatMap((e) => (isEvent(e, 'CandidateEvaluated') ? [[e.data.candidateId, e.data.structuralFingerprint] as const] : [])));
  const admittedCode = [...admittedIds].map((id) => code.get(id) ?? '');
  const text = nearDuplicateStats(admittedCode, params, params.nearDuplicateTau);
  const structural = new Set([...admittedIds].map((id) => fingerprints.get(id) ?? `no fingerprint: ${id}`));
  const accuracies = events.filter((e) => isEvent(e, 'CandidateEvaluated')).map((e) => e.data.accuracy);
  const valid = accuracies.length;
  const ci = wilsonInterval(valid, generated);
  const t = tInterval(accuracies);
  return {
    variant, experimentId, generated, valid, validRate: generated ? valid / generated : 0,
    validRateCI: ci ? [ci[0], ci[1]] : null,
    meanAccuracy: valid ? accuracies.reduce((s, a) => s + a, 0) / valid : null,
    meanAccuracyCI: t ? [t.interval[0], t.interval[1]] : null,
    aboveThreshold: valid ? accuracies.filter((a) => a >= threshold).length / valid : null,
    admitted: admittedIds.size,
    distinctAdmittedText: text.clusters,
    distinctAdmittedStructural: structural.size,
    nearDuplicatePairsAdmitted: text.nearDuplicatePairs,
    nearDuplicatesFlagged: events.filter((e) => isEvent(e, 'NoveltyAssessed') && (e.data.nearDupTextTrain || e.data.nearDupTextGen)).length,
  };
}

const p = (x: number | null) => (x === null ? '  -  ' : (100 * x).toFixed(1));
const ci = (x: readonly [number, number] | null) => (x ? `[${p(x[0])}, ${p(x[1])}]` : '');

export function formatAblationTable(rows: readonly AblationRow[]): string[] {
  return [
    'variant        valid %  (95% CI)          mean acc %  (95% CI)          >= tau %  admitted  distinct text  distinct struct  near-dup pairs  flagged',
    ...rows.map((r) => `${r.variant.padEnd(13)}  ${p(r.validRate).padStart(6)}  ${ci(r.validRateCI).padEnd(16)}  ${p(r.meanAccuracy).padStart(10)}  `
      + `${ci(r.meanAccuracyCI).padEnd(16)}  ${p(r.aboveThreshold).padStart(8)}  ${String(r.admitted).padStart(8)}  ${String(r.distinctAdmittedText).padStart(13)}  `
      + `${String(r.distinctAdmittedStructural).padStart(15)}  ${String(r.nearDuplicatePairsAdmitted).padStart(14)}  ${String(r.nearDuplicatesFlagged).padStart(7)}`),
  ];
}
