import type { ProxyStudyReport } from '../../projections/proxy-study/query';
import { escapeXml } from './svg-chart';

const WIDTH = 640, HEIGHT = 520, LEFT = 72, RIGHT = 24, TOP = 84, BOTTOM = 56;
const fmt = (x: number | null, digits = 3) => (x === null ? 'n/a' : x.toFixed(digits));
const pText = (p: number | null) => (p === null ? 'p n/a' : p < 1e-4 ? `p ${p.toExponential(1)}` : `p ${p.toFixed(4)}`);

/** A range padded by 5% on each side (a single value gets ±0.01), so no point sits on an axis. */
function paddedRange(values: readonly number[]): [number, number] {
  if (values.length === 0) return [0, 1];
  const lo = Math.min(...values), hi = Math.max(...values);
  const pad = hi > lo ? (hi - lo) * 0.05 : 0.01;
  return [lo - pad, hi + pad];
}

/**
 * The proxy study's scatter plot: one circle per candidate whose full training passed (x: the recorded proxy accuracy,
 * y: the full-training accuracy), a horizontal whisker over its proxy re-runs' range, and the numbers of the report
 * in the subtitle. Each circle carries its candidate id and both accuracies as data attributes, so the plot can be
 * read back.
 */
export function renderProxyScatterSvg(report: ProxyStudyReport, pointLabel: string): string {
  const pairs = report.pairs.filter((p) => p.fullAccuracy !== null);
  const reruns = pairs.flatMap((p) => Object.values(p.proxyReruns).filter((a): a is number => a !== null));
  const xr = paddedRange([...pairs.map((p) => p.proxyAccuracy), ...reruns]);
  const yr = paddedRange(pairs.map((p) => p.fullAccuracy!));
  const px = (v: number) => LEFT + ((v - xr[0]) / (xr[1] - xr[0])) * (WIDTH - LEFT - RIGHT);
  const py = (v: number) => HEIGHT - BOTTOM - ((v - yr[0]) / (yr[1] - yr[0])) * (HEIGHT - TOP - BOTTOM);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`);
  out.push(`<text x="${LEFT}" y="22" font-size="14" font-weight="bold">${escapeXml(`nas-ledger · proxy study ${report.studyId}`)}</text>`);
  const lines = [
    `${report.experimentId}, top ${report.topK} (${report.from}), ${report.training.epochs} epoch(s), ${report.training.proxySeeds.length} proxy seeds; ${pointLabel}`,
    `n ${report.n}  SNR ${fmt(report.snr, 2)}  Pearson ${fmt(report.pearson.coefficient)} (${pText(report.pearson.pValue)})  `
      + `Spearman ${fmt(report.spearman.coefficient)} (${pText(report.spearman.pValue)})`,
    `Kendall τ-b ${fmt(report.kendall.coefficient)} (${pText(report.kendall.pValue)})  predicted ρ_S ${fmt(report.predictedSpearman)}  `
      + `Bonferroni m=${report.bonferroni.m}: ${report.bonferroni.survives ? 'survives' : 'does not survive'}`,
  ];
  lines.forEach((line, i) => out.push(`<text x="${LEFT}" y="${40 + i * 14}" fill="#444">${escapeXml(line)}</text>`));
  const plotBottom = HEIGHT - BOTTOM, plotRight = WIDTH - RIGHT;
  out.push(`<rect x="${LEFT}" y="${TOP}" width="${plotRight - LEFT}" height="${plotBottom - TOP}" fill="none" stroke="#999"/>`);
  for (let i = 0; i <= 4; i++) {
    const vx = xr[0] + ((xr[1] - xr[0]) * i) / 4, vy = yr[0] + ((yr[1] - yr[0]) * i) / 4;
    out.push(`<text x="${px(vx).toFixed(1)}" y="${plotBottom + 16}" text-anchor="middle" fill="#555">${(vx * 100).toFixed(1)}%</text>`);
    out.push(`<text x="${LEFT - 6}" y="${(py(vy) + 4).toFixed(1)}" text-anchor="end" fill="#555">${(vy * 100).toFixed(1)}%</text>`);
  }
  out.push(`<text x="${(LEFT + plotRight) / 2}" y="${HEIGHT - 14}" text-anchor="middle">proxy accuracy (first epoch, as recorded)</text>`);
  out.push(`<text transform="translate(16 ${(TOP + plotBottom) / 2}) rotate(-90)" text-anchor="middle">accuracy after ${report.training.epochs} epoch(s)</text>`);
  for (const p of pairs) {
    const runs = Object.values(p.proxyReruns).filter((a): a is number => a !== null);
    const y = py(p.fullAccuracy!).toFixed(1);
    if (runs.length >= 2) {
      out.push(`<line class="proxy-range" x1="${px(Math.min(...runs)).toFixed(1)}" x2="${px(Math.max(...runs)).toFixed(1)}" y1="${y}" y2="${y}" stroke="#9ecae1" stroke-width="2"/>`);
    }
    out.push(`<circle class="pair" data-candidate="${escapeXml(p.candidateId)}" data-proxy="${p.proxyAccuracy}" data-full="${p.fullAccuracy}" `
      + `cx="${px(p.proxyAccuracy).toFixed(1)}" cy="${y}" r="4.5" fill="#1f77b4"><title>${escapeXml(`${p.candidateId}: proxy ${p.proxyAccuracy}, full ${p.fullAccuracy}`)}</title></circle>`);
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}
