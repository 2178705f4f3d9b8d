/**
 * Small, dependency-free SVG line charts for per-cycle figures: a column of panels sharing one x axis (the cycle).
 * Pure: data in, SVG text out, so the CLI can write it to a file and a spec can read the geometry back.
 */

export interface ChartSeries {
  readonly label: string;
  readonly color: string;
  /** One value per x; null leaves a gap (a cycle with no valid candidate has no mean accuracy). */
  readonly values: readonly (number | null)[];
  /** A shaded interval around the line, e.g. a 95% confidence interval; null where there is none. */
  readonly band?: readonly (readonly [number, number] | null)[];
  readonly dashed?: boolean;
}

export interface ChartPanel {
  readonly title: string;
  /** Fixed y range; when absent the range is taken from the data (with 0 included). */
  readonly yRange?: readonly [number, number];
  readonly yFormat?: (value: number) => string;
  /** A count's axis (admissions, corpus size): ticks only at whole numbers, at most five. */
  readonly integerTicks?: boolean;
  readonly series: readonly ChartSeries[];
  /** Horizontal reference lines, e.g. the admission threshold τ. */
  readonly rules?: readonly { readonly label: string; readonly value: number }[];
}

export interface ChartSpec {
  readonly title: string;
  readonly subtitle?: string;
  readonly xLabel: string;
  readonly x: readonly number[];
  readonly panels: readonly ChartPanel[];
  /** Shaded x ranges drawn behind every panel (inclusive, in x values), e.g. the phases of a run. */
  readonly regions?: readonly { readonly label: string; readonly from: number; readonly to: number; readonly color: string }[];
}

export const CHART_GEOMETRY = { width: 760, panelHeight: 170, top: 72, gap: 44, left: 64, right: 150, bottom: 40 } as const;

/** The y pixel of a value in a panel whose plot area spans [top, top + height]. */
export function yPixel(value: number, range: readonly [number, number], top: number, height: number): number {
  const [low, high] = range;
  const span = high - low || 1;
  return top + height - ((value - low) / span) * height;
}

export function xPixel(index: number, count: number): number {
  const { width, left, right } = CHART_GEOMETRY;
  const plotWidth = width - left - right;
  return count <= 1 ? left + plotWidth / 2 : left + (index / (count - 1)) * plotWidth;
}

export function renderChartSvg(spec: ChartSpec): string {
  const g = CHART_GEOMETRY;
  const height = g.top + spec.panels.length * g.panelHeight + (spec.panels.length - 1) * g.gap + g.bottom;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${g.width}" height="${height}" viewBox="0 0 ${g.width} ${height}" ` +
      `font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${g.left}" y="22" font-size="15" font-weight="bold">${escapeXml(spec.title)}</text>`,
  ];
  if (spec.subtitle) parts.push(`<text x="${g.left}" y="42" fill="#555">${escapeXml(spec.subtitle)}</text>`);
  spec.panels.forEach((panel, i) => parts.push(renderPanel(panel, spec, g.top + i * (g.panelHeight + g.gap))));
  parts.push(`<text x="${(g.left + g.width - g.right) / 2}" y="${height - 8}" text-anchor="middle">${escapeXml(spec.xLabel)}</text>`);
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

function renderPanel(panel: ChartPanel, spec: ChartSpec, top: number): string {
  const g = CHART_GEOMETRY;
  const height = g.panelHeight;
  const right = g.width - g.right;
  const range = panel.yRange ?? dataRange(panel);
  const format = panel.yFormat ?? ((v: number) => trimNumber(v));
  const y = (v: number) => yPixel(v, range, top, height);
  const out: string[] = [`<g class="panel" data-title="${escapeXml(panel.title)}" data-y-low="${range[0]}" data-y-high="${range[1]}">`];
  out.push(`<text x="${g.left}" y="${top - 8}" font-weight="bold">${escapeXml(panel.title)}</text>`);
  for (const region of spec.regions ?? []) out.push(renderRegion(region, spec.x, top, height));
  for (const value of tickValues(range, panel.integerTicks === true)) {
    out.push(`<line x1="${g.left}" x2="${right}" y1="${r(y(value))}" y2="${r(y(value))}" stroke="#e4e4e4"/>`);
    out.push(`<text x="${g.left - 6}" y="${r(y(value) + 4)}" text-anchor="end" fill="#555">${escapeXml(format(value))}</text>`);
  }
  const stride = Math.max(1, Math.ceil(spec.x.length / 12));
  spec.x.forEach((x, i) => {
    if (i % stride !== 0 && i !== spec.x.length - 1) return;
    out.push(`<text x="${r(xPixel(i, spec.x.length))}" y="${top + height + 14}" text-anchor="middle" fill="#555">${x}</text>`);
  });
  out.push(`<rect x="${g.left}" y="${top}" width="${right - g.left}" height="${height}" fill="none" stroke="#999"/>`);
  for (const rule of panel.rules ?? []) {
    const ry = r(y(rule.value));
    out.push(`<line class="rule" x1="${g.left}" x2="${right}" y1="${ry}" y2="${ry}" stroke="#b22" stroke-dasharray="2 3"/>`);
    out.push(`<text x="${right + 6}" y="${ry + 4}" fill="#b22">${escapeXml(rule.label)}</text>`);
  }
  panel.series.forEach((series, s) => {
    // A t interval over a handful of accuracies can reach past [0, 1]; the band is clipped to the panel.
    const clipped = (v: number) => y(Math.min(range[1], Math.max(range[0], v)));
    if (series.band) out.push(renderBand(series, spec.x.length, clipped));
    for (const run of contiguousRuns(series.values)) {
      const points = run.map(([i, v]) => `${r(xPixel(i, spec.x.length))},${r(y(v))}`).join(' ');
      const dash = series.dashed ? ' stroke-dasharray="5 3"' : '';
      out.push(`<polyline class="series" data-label="${escapeXml(series.label)}" points="${points}" fill="none" ` +
        `stroke="${series.color}" stroke-width="2"${dash}/>`);
      for (const [i, v] of run) out.push(`<circle cx="${r(xPixel(i, spec.x.length))}" cy="${r(y(v))}" r="2.5" fill="${series.color}"/>`);
    }
    out.push(`<text x="${right + 6}" y="${top + 14 + s * 15}" fill="${series.color}">${escapeXml(series.label)}</text>`);
  });
  out.push('</g>');
  return out.join('\n');
}

/** Five evenly spaced ticks; on a count's axis, whole numbers from the bottom a whole step apart (fewer if the span is small). */
export function tickValues(range: readonly [number, number], integer: boolean): number[] {
  const [low, high] = range;
  if (!integer) return [0, 1, 2, 3, 4].map((t) => low + ((high - low) * t) / 4);
  const start = Math.ceil(low);
  const step = Math.max(1, Math.ceil((high - start) / 4));
  const ticks: number[] = [];
  for (let value = start; value <= high; value += step) ticks.push(value);
  return ticks;
}

function renderRegion(region: NonNullable<ChartSpec['regions']>[number], xs: readonly number[], top: number, height: number): string {
  const first = xs.findIndex((x) => x >= region.from);
  const last = xs.length - 1 - [...xs].reverse().findIndex((x) => x <= region.to);
  if (first < 0 || last < first || last >= xs.length) return '';
  // Half a step either side, so adjacent regions meet between two cycles.
  const half = xs.length > 1 ? (xPixel(1, xs.length) - xPixel(0, xs.length)) / 2 : 0;
  const x0 = Math.max(CHART_GEOMETRY.left, xPixel(first, xs.length) - half);
  const x1 = Math.min(CHART_GEOMETRY.width - CHART_GEOMETRY.right, xPixel(last, xs.length) + half);
  return `<rect class="region" data-label="${escapeXml(region.label)}" x="${r(x0)}" y="${top}" width="${r(x1 - x0)}" ` +
    `height="${height}" fill="${region.color}" fill-opacity="0.12"/>\n` +
    `<text x="${r((x0 + x1) / 2)}" y="${top + height - 6}" text-anchor="middle" fill="#777">${escapeXml(region.label)}</text>`;
}

function renderBand(series: ChartSeries, count: number, y: (v: number) => number): string {
  const band = series.band ?? [];
  const upper: string[] = [];
  const lower: string[] = [];
  band.forEach((interval, i) => {
    if (!interval) return;
    upper.push(`${r(xPixel(i, count))},${r(y(interval[1]))}`);
    lower.unshift(`${r(xPixel(i, count))},${r(y(interval[0]))}`);
  });
  if (upper.length === 0) return '';
  return `<polygon class="band" points="${[...upper, ...lower].join(' ')}" fill="${series.color}" fill-opacity="0.15" stroke="none"/>`;
}

function contiguousRuns(values: readonly (number | null)[]): [number, number][][] {
  const runs: [number, number][][] = [];
  let current: [number, number][] = [];
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) {
      if (current.length > 0) runs.push(current);
      current = [];
    } else current.push([i, v]);
  });
  if (current.length > 0) runs.push(current);
  return runs;
}

function dataRange(panel: ChartPanel): [number, number] {
  let low = 0;
  let high = 0;
  for (const series of panel.series) {
    for (const v of series.values) if (v !== null && Number.isFinite(v)) { low = Math.min(low, v); high = Math.max(high, v); }
    for (const b of series.band ?? []) if (b) { low = Math.min(low, b[0]); high = Math.max(high, b[1]); }
  }
  for (const rule of panel.rules ?? []) { low = Math.min(low, rule.value); high = Math.max(high, rule.value); }
  return high > low ? [low, niceCeiling(high)] : [low, low + 1];
}

function niceCeiling(value: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

function trimNumber(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(2).replace(/0+$/, '').replace(/\.$/, '');
}

function r(v: number): number {
  return Math.round(v * 10) / 10;
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
