import type { RecordedEvent } from '../../domain/shared/event-envelope';
import { bonferroni, kendallTauB, mean, pearson, proxyNoise, spearman, spearmanFromPearson, type Correlation, type ProxyNoise } from '../../domain/stats';
import { foldEvents } from '../shared/projection';
import { get, values } from '../shared/persistent-map';
import type { ProxyStudySummary } from '../theory/view';
import { proxyStudyProjection } from './evolve';
import type { ProxyStudyView, StudyRecord } from './view';

/** The proxy-study read model as of a log prefix (events up to `position`; all when absent). Time travel is this fold. */
export function proxyStudiesAsOf(events: readonly RecordedEvent[], position?: number): ProxyStudyView {
  return foldEvents(proxyStudyProjection, position === undefined ? events : events.filter((e) => e.globalPosition <= position));
}

export const studyOf = (view: ProxyStudyView, studyId: string): StudyRecord | null => get(view.studies, studyId) ?? null;

export function studiesOfExperiment(view: ProxyStudyView, experimentId: string): StudyRecord[] {
  return (get(view.byExperiment, experimentId) ?? []).map((id) => get(view.studies, id)).filter((s): s is StudyRecord => s !== undefined);
}

/** One row of proxy_full_pairs.csv: a candidate with its recorded proxy, its proxy re-runs and its full training. */
export interface ProxyFullPair {
  readonly studyId: string;
  readonly experimentId: string;
  readonly candidateId: string;
  /** Rank by proxy accuracy in the selection (1 = best). */
  readonly rank: number;
  readonly proxyAccuracy: number;
  readonly fullAccuracy: number | null;
  readonly fullLoss: number | null;
  readonly epochs: number;
  /** Accuracy of each proxy re-run by seed (null: that run failed or is not recorded yet). */
  readonly proxyReruns: Readonly<Record<string, number | null>>;
  readonly proxyRerunMean: number | null;
  readonly proxyRerunVariance: number | null;
  readonly fullTrainStage: string | null;
  /** Where the numbers come from: the CandidateEvaluated of the proxy and the FullTrainRecorded of the full accuracy. */
  readonly proxyEventPosition: number;
  readonly fullTrainEventPosition: number | null;
}

export interface CorrelationFigure {
  readonly coefficient: number | null;
  readonly pValue: number | null;
  readonly method: string;
}

export interface ProxyStudyReport {
  readonly studyId: string;
  readonly experimentId: string;
  readonly status: 'started' | 'completed';
  readonly from: StudyRecord['from'];
  readonly topK: number;
  readonly training: StudyRecord['training'];
  readonly progress: { readonly fullTrains: number; readonly proxyReruns: number; readonly planned: number };
  /** Candidates whose full training passed. */
  readonly n: number;
  readonly pairs: readonly ProxyFullPair[];
  /** σ²_A / σ²_ε from the proxy re-runs (null until two candidates have two runs each). */
  readonly snr: number | null;
  readonly noise: Omit<ProxyNoise, 'snr'> | null;
  readonly pearson: CorrelationFigure;
  readonly spearman: CorrelationFigure;
  readonly kendall: CorrelationFigure;
  /** (6/π)·asin(ρ/2) of the measured Pearson ρ: Thm 8's Spearman under a bivariate normal. */
  readonly predictedSpearman: number | null;
  readonly bonferroni: {
    /** The studies compared: every study in the ledger (at this point) with three pairs or more, this one included. */
    readonly studies: readonly string[];
    readonly m: number;
    readonly alpha: number;
    /** This study's Spearman p-value times m (at most 1). */
    readonly adjustedP: number | null;
    readonly survives: boolean;
  };
  readonly startedPosition: number;
  readonly lastPosition: number;
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);
const figure = (c: Correlation | null): CorrelationFigure =>
  c ? { coefficient: finite(c.coefficient), pValue: finite(c.pValue), method: c.method } : { coefficient: null, pValue: null, method: 'needs 3 pairs' };

export function pairsOf(study: StudyRecord): ProxyFullPair[] {
  return study.candidates.map((c, i) => {
    const full = study.fullTrains[c.candidateId];
    const reruns = study.training.proxySeeds.map((seed) => [String(seed), study.reruns[c.candidateId]?.[String(seed)] ?? null] as const);
    const accuracies = reruns.map(([, r]) => (r?.ok ? r.accuracy : null)).filter((a): a is number => a !== null);
    const m = accuracies.length ? mean(accuracies) : null;
    return {
      studyId: study.studyId, experimentId: study.experimentId, candidateId: c.candidateId, rank: i + 1, proxyAccuracy: c.proxyAccuracy,
      fullAccuracy: full?.ok ? full.accuracy : null, fullLoss: full?.ok ? full.loss : null, epochs: study.training.epochs,
      proxyReruns: Object.fromEntries(reruns.map(([seed, r]) => [seed, r?.ok ? r.accuracy : null])),
      proxyRerunMean: m,
      proxyRerunVariance: m !== null && accuracies.length >= 2 ? accuracies.reduce((s, a) => s + (a - m) ** 2, 0) / (accuracies.length - 1) : null,
      fullTrainStage: full ? full.stage : null, proxyEventPosition: c.evaluatedAt, fullTrainEventPosition: full?.position ?? null,
    };
  });
}

function spearmanP(study: StudyRecord): number | null {
  const usable = pairsOf(study).filter((p) => p.fullAccuracy !== null);
  if (usable.length < 3) return null;
  return finite(spearman(usable.map((p) => p.proxyAccuracy), usable.map((p) => p.fullAccuracy!)).pValue);
}

/** Everything `study proxy` reports, computed from the recorded events only. */
export function proxyStudyReport(view: ProxyStudyView, studyId: string, alpha = 0.05): ProxyStudyReport | null {
  const study = studyOf(view, studyId);
  if (!study) return null;
  const pairs = pairsOf(study);
  const usable = pairs.filter((p) => p.fullAccuracy !== null);
  const x = usable.map((p) => p.proxyAccuracy), y = usable.map((p) => p.fullAccuracy!);
  const enough = usable.length >= 3;
  const r = enough ? pearson(x, y) : null;
  const groups = pairs.map((p) => Object.values(p.proxyReruns).filter((a): a is number => a !== null));
  const noiseInput = groups.filter((g) => g.length >= 2);
  const noise = noiseInput.length >= 2 ? proxyNoise(noiseInput) : null;
  const family = values(view.studies).filter((s) => s.studyId === studyId || spearmanP(s) !== null).sort((a, b) => a.startedPosition - b.startedPosition);
  const pValues = family.map((s) => spearmanP(s));
  const own = family.findIndex((s) => s.studyId === studyId);
  const corrected = bonferroni(pValues.map((p) => p ?? 1), alpha);
  const ownP = pValues[own] ?? null;
  let snr: number | null = null;
  let noiseFigures: ProxyStudyReport['noise'] = null;
  if (noise) {
    const { snr: ratio, ...rest } = noise;
    snr = finite(ratio);
    noiseFigures = rest;
  }
  const reruns = Object.values(study.reruns).reduce((s, bySeed) => s + Object.keys(bySeed).length, 0);
  return {
    studyId, experimentId: study.experimentId, status: study.status, from: study.from, topK: study.topK, training: study.training,
    progress: {
      fullTrains: Object.keys(study.fullTrains).length, proxyReruns: reruns, planned: study.candidates.length * (1 + study.training.proxySeeds.length),
    },
    n: usable.length, pairs, snr, noise: noiseFigures,
    pearson: figure(r), spearman: figure(enough ? spearman(x, y) : null), kendall: figure(enough ? kendallTauB(x, y) : null),
    predictedSpearman: r && Number.isFinite(r.coefficient) ? spearmanFromPearson(r.coefficient) : null,
    bonferroni: {
      studies: family.map((s) => s.studyId), m: family.length, alpha, adjustedP: ownP === null ? null : corrected.adjusted[own]!,
      survives: ownP !== null && corrected.significant[own]!,
    },
    startedPosition: study.startedPosition, lastPosition: study.lastPosition,
  };
}

/**
 * What Thm 8 reads (projections/theory ProxyStudySummary): the experiment's latest completed study with three pairs or
 * more, else its latest study with any; null when the experiment has none (the row then says "not enough data").
 */
export function proxyStudySummary(view: ProxyStudyView, experimentIds: readonly string[]): ProxyStudySummary | null {
  const studies = experimentIds.flatMap((id) => studiesOfExperiment(view, id)).sort((a, b) => b.startedPosition - a.startedPosition);
  const reports = studies.map((s) => proxyStudyReport(view, s.studyId)).filter((r): r is ProxyStudyReport => r !== null && r.n >= 3);
  const report = reports.find((r) => r.status === 'completed') ?? reports[0];
  if (!report || report.pearson.coefficient === null || report.spearman.coefficient === null) return null;
  return {
    studyId: report.studyId, n: report.n, snr: report.snr ?? NaN,
    pearson: { coefficient: report.pearson.coefficient, pValue: report.pearson.pValue ?? NaN },
    spearman: { coefficient: report.spearman.coefficient, pValue: report.spearman.pValue ?? NaN },
    predictedSpearman: report.predictedSpearman ?? NaN, survivesBonferroni: report.bonferroni.survives,
  };
}
