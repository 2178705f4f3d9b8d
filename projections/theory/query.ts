import type { ExperimentConfig } from '../../domain/experiment/config';
import { linearTrend, mannKendall, proportionRatio, smoothed } from '../../domain/stats/trend';
import { cycleStatsRows } from '../cycle-statistics/query';
import { acrossSeeds } from '../experiment-groups/query';
import { auditCorpus, noveltyAuditOf } from '../novelty-audit/query';
import type { ProxyStudySummary, TheoryRow, TheoryView } from './view';

/** Corollary 6's calibrated delta/full valid-rate ratio. */
export const CALIBRATED_DELTA_RATIO = 2.23;
const ALPHA = 0.05;
/** Keys that may differ between the two sides of Thm 5: what the comparison is about, and deployment. */
const COMPARISON_KEYS = new Set(['name', 'delta', 'seed', 'store', 'bus', 'device']);

/** The dotted config keys on which two experiments differ, beyond the delta switch, the seed, the name and deployment. */
export function configDifferences(a: ExperimentConfig, b: ExperimentConfig): string[] {
  const out: string[] = [];
  const walk = (x: unknown, y: unknown, path: string) => {
    if (x !== null && y !== null && typeof x === 'object' && typeof y === 'object' && !Array.isArray(x) && !Array.isArray(y)) {
      const keys = [...new Set([...Object.keys(x), ...Object.keys(y)])].sort();
      for (const key of keys) {
        if (path === '' && COMPARISON_KEYS.has(key)) continue;
        walk((x as Record<string, unknown>)[key], (y as Record<string, unknown>)[key], path ? `${path}.${key}` : key);
      }
    } else if (JSON.stringify(x) !== JSON.stringify(y)) {
      out.push(path);
    }
  };
  walk(a, b, '');
  return out;
}

/** Per cycle (completed in every run), the mean over the runs of one stats column. */
function seriesOf(view: TheoryView, experimentIds: readonly string[], column: 'meanAccuracy' | 'eliteConcentration'): { cycles: number[]; values: number[] } {
  const perRun = experimentIds.map((id) => cycleStatsRows(view.stats, id) ?? []);
  const cycles = [...new Set(perRun.flatMap((rows) => rows.map((r) => r.cycle)))].sort((a, b) => a - b)
    .filter((cycle) => perRun.every((rows) => rows.some((r) => r.cycle === cycle && r.completed && r[column] !== null)));
  const values = cycles.map((cycle) => acrossSeeds(perRun.map((rows) => rows.find((r) => r.cycle === cycle)![column])).mean!);
  return { cycles, values };
}

const f3 = (x: number) => x.toFixed(3);
const pText = (p: number) => (Number.isNaN(p) ? 'p n/a' : p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`);

export function thm2Row(view: TheoryView, ids: readonly string[]): TheoryRow {
  const { cycles, values } = seriesOf(view, ids, 'meanAccuracy');
  const base = { result: 'Thm 2' as const, claim: 'monotone quality', prediction: 'mean accuracy does not fall across cycles (trend > 0)', experimentIds: ids };
  if (values.length < 4) {
    return { ...base, observed: `${values.length} completed cycle(s) with a mean accuracy; the trend test needs 4`, figures: { cycles, means: values }, verdict: 'not enough data' };
  }
  const mk = mannKendall(values);
  const smooth = smoothed(values, 3);
  const figures = { test: 'Mann–Kendall', tau: mk.coefficient, pValue: mk.pValue, cycles, means: values, smoothedMeans: smooth };
  const verdict = mk.coefficient > 0 && mk.pValue < ALPHA ? 'consistent' : mk.coefficient > 0 ? 'direction only' : 'inconsistent';
  const observed = `Mann–Kendall τ = ${f3(mk.coefficient)} (${pText(mk.pValue)}) over ${values.length} cycles; 3-cycle smoothed mean ` +
    `${f3(smooth[0]!)} → ${f3(smooth[smooth.length - 1]!)}`;
  return { ...base, observed, figures, verdict };
}

export function thm3Row(view: TheoryView, ids: readonly string[]): TheoryRow {
  const { cycles, values } = seriesOf(view, ids, 'eliteConcentration');
  const base = { result: 'Thm 3' as const, claim: 'elite concentration converges', prediction: 'p_t plateaus (no level predicted under LoRA)', experimentIds: ids };
  if (values.length < 5) {
    return { ...base, observed: `${values.length} completed cycle(s); the last-5-cycle plateau needs 5`, figures: { cycles, eliteConcentration: values }, verdict: 'not enough data' };
  }
  const lastCycles = cycles.slice(-5), last = values.slice(-5);
  const line = linearTrend(lastCycles, last);
  const level = last.reduce((s, v) => s + v, 0) / last.length;
  const figures = { lastCycles, lastValues: last, level, slope: line.slope, slopeStdErr: line.slopeStdErr, pValue: line.pValue };
  const flat = !(line.pValue < ALPHA);
  const observed = `last-5-cycle level ${(100 * level).toFixed(1)}%, slope ${(100 * line.slope).toFixed(2)} points/cycle (${pText(line.pValue)})`;
  return { ...base, observed, figures, verdict: flat ? 'direction only' : 'inconsistent' };
}

export function thm5Row(view: TheoryView, ids: readonly string[], against: readonly string[] | null): TheoryRow {
  const base = { result: 'Thm 5' as const, claim: 'delta beats full-code valid rate', prediction: `valid-rate ratio delta/full > 1; calibrated ${CALIBRATED_DELTA_RATIO}` };
  if (!against) {
    return { ...base, observed: 'needs a delta and a full-code experiment with the same config: pass --against', figures: {}, verdict: 'not enough data', experimentIds: ids };
  }
  const all = [...ids, ...against];
  const deltaOf = (id: string) => view.configs[id]?.delta ?? false;
  const deltaIds = all.filter(deltaOf), fullIds = all.filter((id) => !deltaOf(id));
  if (deltaIds.length === 0 || fullIds.length === 0) {
    return { ...base, observed: `both sides are ${deltaIds.length ? 'delta' : 'full-code'} generation`, figures: {}, verdict: 'not enough data', experimentIds: all };
  }
  const pooled = (list: readonly string[]) => list.flatMap((id) => cycleStatsRows(view.stats, id) ?? [])
    .reduce((acc, r) => ({ valid: acc.valid + r.valid, generated: acc.generated + r.generated }), { valid: 0, generated: 0 });
  const d = pooled(deltaIds), f = pooled(fullIds);
  if (d.generated === 0 || f.generated === 0 || f.valid === 0) {
    return { ...base, observed: 'no generated (or no valid full-code) candidates yet', figures: { delta: d, full: f }, verdict: 'not enough data', experimentIds: all };
  }
  const ratio = proportionRatio(d.valid, d.generated, f.valid, f.generated);
  const ci = ratio.interval;
  const figures = {
    delta: { ...d, experimentIds: deltaIds }, full: { ...f, experimentIds: fullIds }, ratio: ratio.ratio, ci, calibrated: CALIBRATED_DELTA_RATIO,
  };
  const verdict = !ci ? 'not enough data'
    : ci[0] > 1 ? (ci[0] <= CALIBRATED_DELTA_RATIO && CALIBRATED_DELTA_RATIO <= ci[1] ? 'consistent' : 'direction only')
      : ci[1] < 1 ? 'inconsistent' : 'not enough data';
  const observed = `delta ${d.valid}/${d.generated} vs full ${f.valid}/${f.generated}: ratio ${ratio.ratio.toFixed(2)}` +
    (ci ? ` [${ci[0].toFixed(2)}, ${ci[1].toFixed(2)}] (Katz 95%)` : ' (no interval: a zero count)');
  return { ...base, observed, figures, verdict, experimentIds: all };
}

export function thm7Row(view: TheoryView, ids: readonly string[]): TheoryRow {
  const base = { result: 'Thm 7' as const, claim: 'no mode collapse', prediction: 'admissions in every cycle with an elite; corpus δ-separated at δ = 1 − τ (exact Jaccard)', experimentIds: ids };
  const audits = ids.map((id) => noveltyAuditOf(view.audit, id)).filter((a) => a !== null);
  if (audits.length === 0 || audits.some((a) => !a.filterOn)) {
    return { ...base, observed: audits.length ? 'the novelty filter is off in this experiment (no-novelty ablation)' : 'no experiment', figures: {}, verdict: 'not enough data' };
  }
  const results = audits.map(auditCorpus);
  const completed = results.reduce((s, r) => s + r.cycles.filter((c) => c.completed).length, 0);
  if (completed === 0) return { ...base, observed: 'no completed cycle yet', figures: {}, verdict: 'not enough data' };
  // A cycle with no candidate at or above the accuracy threshold has nothing for the filter to admit: Thm 7 speaks of
  // cycles with elites, so only a cycle whose elites the filter all turned away counts against it.
  const withoutAdmission = results.flatMap((r) => r.completedCyclesWithoutAdmission.map((cycle) => ({
    experimentId: r.experimentId, cycle, turnedAway: r.turnedAway.filter((t) => t.cycle === cycle).length,
  })));
  const empty = withoutAdmission.filter((c) => c.turnedAway > 0);
  const noElite = withoutAdmission.filter((c) => c.turnedAway === 0);
  if (noElite.length === completed) {
    return { ...base, observed: 'no completed cycle had a candidate at or above the accuracy threshold', figures: { cyclesWithoutElite: noElite }, verdict: 'not enough data' };
  }
  const violations = results.flatMap((r) => r.separation.violations.map((v) => ({ experimentId: r.experimentId, ...v })));
  const closest = results.map((r) => ({
    experimentId: r.experimentId, tau: r.tau, delta: r.delta, closestPair: r.separation.closestPair, checkedPairs: r.separation.checkedPairs,
  }));
  const minDistance = Math.min(...closest.map((c) => c.closestPair?.distance ?? Infinity));
  const untokenizable = results.flatMap((r) => r.separation.untokenizable);
  const figures = { cyclesWithoutAdmission: empty, cyclesWithoutElite: noElite, violations, closest, untokenizable };
  const parts = [
    empty.length
      ? `the filter turned away every elite in ${empty.map((e) => `cycle ${e.cycle}${ids.length > 1 ? ` of ${e.experimentId}` : ''}`).join(', ')}`
      : `admissions in all ${completed - noElite.length} completed cycle(s) with an elite${noElite.length ? ` (${noElite.length} had none)` : ''}`,
    violations.length
      ? `${violations.length} admitted pair(s) closer than δ = ${f3(results[0]!.delta)}: ${violations.slice(0, 3).map((v) => `${v.a} ~ ${v.b} (J = ${f3(v.jaccard)})`).join(', ')}`
      : `δ-separated (closest admitted pair at distance ${Number.isFinite(minDistance) ? f3(minDistance) : 'n/a'} ≥ δ = ${f3(results[0]!.delta)})`,
  ];
  return { ...base, observed: parts.join('; '), figures, verdict: empty.length || violations.length ? 'inconsistent' : 'consistent' };
}

export function thm8Row(proxy: ProxyStudySummary | null, ids: readonly string[]): TheoryRow {
  const base = { result: 'Thm 8' as const, claim: 'proxy reliability', prediction: 'ρ_S = (6/π)·asin(ρ/2), monotone in SNR; n.s. at low SNR', experimentIds: ids };
  if (!proxy) return { ...base, observed: 'no proxy study (run `nas-ledger study proxy <experiment>`)', figures: {}, verdict: 'not enough data' };
  const gap = Math.abs(proxy.spearman.coefficient - proxy.predictedSpearman);
  const observed = `SNR ${proxy.snr.toFixed(2)}, Pearson ${f3(proxy.pearson.coefficient)} (${pText(proxy.pearson.pValue)}), Spearman ${f3(proxy.spearman.coefficient)} ` +
    `vs predicted ${f3(proxy.predictedSpearman)}${proxy.survivesBonferroni ? ', survives Bonferroni' : ''} (n = ${proxy.n})`;
  const verdict = proxy.n < 5 ? 'not enough data' : gap <= 0.1 ? 'consistent' : Math.sign(proxy.spearman.coefficient) === Math.sign(proxy.predictedSpearman) ? 'direction only' : 'inconsistent';
  return { ...base, observed, figures: { ...proxy, gap }, verdict };
}

/** The Table 2 rows for one experiment or a group's runs, optionally against another side (Thm 5). */
export function theoryRows(view: TheoryView, ids: readonly string[], against: readonly string[] | null, proxy: ProxyStudySummary | null): TheoryRow[] {
  return [thm2Row(view, ids), thm3Row(view, ids), thm5Row(view, ids, against), thm7Row(view, ids), thm8Row(proxy, ids)];
}
