import { mulberry32 } from '../domain/shared/rng';

/**
 * A deterministic generator of varied PyTorch programs for the novelty benchmark: program i depends only on i.
 * About 15% of programs are mutated copies of an earlier program (one to three small edits: a constant, a renamed
 * local, an added comment, a swapped activation), so the corpus has near-duplicates at J around 0.7 to 1.
 */
export function rng(seed: number): () => number {
  return mulberry32(seed ^ 0x9e3779b9);
}

const pick = <T>(next: () => number, xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
const int = (next: () => number, lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1));

const CLASS_NAMES = ['Net', 'Model', 'CifarNet', 'SmallCNN', 'Classifier', 'ConvNet', 'ResNetLite', 'Backbone', 'TinyNet', 'DeepNet'];
const HELPERS = ['conv_block', 'make_layer', 'conv_bn', 'unit', 'stage', 'basic_block', 'layer'];
const LOCALS = ['x', 'h', 'out', 'y', 'feat', 'z', 'hidden', 't'];
const PARAMS = [['cin', 'cout'], ['in_ch', 'out_ch'], ['c_in', 'c_out'], ['inp', 'oup'], ['in_channels', 'out_channels']];
const ACTS = ['nn.ReLU()', 'nn.ReLU(inplace=True)', 'nn.GELU()', 'nn.SiLU()', 'nn.LeakyReLU(0.1)', 'nn.ELU()', 'nn.Tanh()', 'nn.Hardswish()'];
const WIDTHS = [16, 24, 32, 48, 64, 96, 128, 192, 256];
const COMMENTS = ['# feature extractor', '# downsample', '# classifier head', '# keep the spatial size', '# TODO: try wider layers', '# residual path'];

function norm(next: () => number, c: string): string {
  return pick(next, [`nn.BatchNorm2d(${c})`, `nn.BatchNorm2d(${c})`, `nn.GroupNorm(${pick(next, [2, 4, 8])}, ${c})`, `nn.InstanceNorm2d(${c})`, '']);
}

/** A fresh program from seed `seed`. */
function freshProgram(seed: number): string {
  const next = rng(seed);
  const cls = pick(next, CLASS_NAMES) + (next() < 0.5 ? String(int(next, 1, 99)) : '');
  const v = pick(next, LOCALS);
  const useHelper = next() < 0.6;
  const helper = pick(next, HELPERS);
  const [pa, pb] = pick(next, PARAMS);
  const act = pick(next, ACTS);
  const lines: string[] = [];
  if (next() < 0.5) lines.push(`"""${cls}: generated architecture ${seed}."""`);
  lines.push('import torch', 'import torch.nn as nn');
  if (next() < 0.5) lines.push('import torch.nn.functional as F');
  lines.push('', '');
  lines.push('def supported_hyperparameters():', `    return {${next() < 0.5 ? "'lr', 'momentum'" : "'lr', 'momentum', 'dropout'"}}`, '', '');
  if (useHelper) {
    const k = pick(next, ['k', 'kernel', 'ks']);
    lines.push(`def ${helper}(${pa}, ${pb}, ${k}=3, stride=1):`);
    const n = norm(next, pb!);
    lines.push(`    return nn.Sequential(`, `        nn.Conv2d(${pa}, ${pb}, ${k}, stride, ${k} // 2, bias=${n ? 'False' : 'True'}),`);
    if (n) lines.push(`        ${n},`);
    lines.push(`        ${act},`, '    )', '', '');
  }
  lines.push(`class ${cls}(nn.Module):`);
  if (next() < 0.3) lines.push(`    """A ${int(next, 2, 9)}-stage convolutional network."""`, '');
  lines.push('    def __init__(self, in_shape=(1, 3, 32, 32), out_shape=(10,), prm=None):', '        super().__init__()');
  const blocks = int(next, 1, 6);
  let c = WIDTHS[int(next, 0, 3)]!;
  lines.push(`        channels = in_shape[1]`);
  lines.push(`        self.stem = nn.Conv2d(channels, ${c}, ${pick(next, [3, 5, 7])}, padding=${pick(next, [1, 2, 3])})`);
  const residual: boolean[] = [];
  for (let b = 0; b < blocks; b++) {
    const cout = next() < 0.4 ? c : WIDTHS[Math.min(WIDTHS.length - 1, WIDTHS.indexOf(c) + int(next, 0, 2))]!;
    const stride = next() < 0.35 ? 2 : 1;
    const k = pick(next, [1, 3, 3, 5]);
    if (next() < 0.2) lines.push(`        ${pick(next, COMMENTS)}`);
    if (useHelper) lines.push(`        self.block${b} = ${helper}(${c}, ${cout}, ${k}, stride=${stride})`);
    else {
      const n = norm(next, String(cout));
      lines.push(`        self.block${b} = nn.Sequential(nn.Conv2d(${c}, ${cout}, ${k}, ${stride}, ${Math.floor(k / 2)})${n ? `, ${n}` : ''}, ${pick(next, ACTS)})`);
    }
    if (next() < 0.25) lines.push(`        self.pool${b} = nn.${pick(next, ['MaxPool2d', 'AvgPool2d'])}(2)`);
    residual.push(cout === c && stride === 1 && next() < 0.5);
    c = cout;
  }
  const drop = next() < 0.5 ? pick(next, [0.1, 0.2, 0.25, 0.3, 0.5]) : 0;
  lines.push('        self.pool = nn.AdaptiveAvgPool2d(1)');
  if (drop) lines.push(`        self.drop = nn.Dropout(${drop})`);
  if (next() < 0.4) {
    const hidden = pick(next, [64, 128, 256, 512]);
    lines.push(`        self.head = nn.Sequential(nn.Linear(${c}, ${hidden}), ${act}, nn.Linear(${hidden}, out_shape[0]))`);
  } else {
    lines.push(`        self.head = nn.Linear(${c}, out_shape[0])`);
  }
  lines.push('', `    def forward(self, ${v}):`, `        ${v} = self.stem(${v})`);
  for (let b = 0; b < blocks; b++) {
    if (residual[b]) lines.push(`        ${v} = ${v} + self.block${b}(${v})`);
    else lines.push(`        ${v} = self.block${b}(${v})`);
    if (lines.some((l) => l.includes(`self.pool${b} =`))) lines.push(`        ${v} = self.pool${b}(${v})`);
  }
  lines.push(`        ${v} = torch.flatten(self.pool(${v}), 1)`);
  if (drop) lines.push(`        ${v} = self.drop(${v})`);
  lines.push(`        return self.head(${v})`, '');
  return lines.join('\n');
}

/** One to three small edits of a program. */
export function mutateProgram(source: string, seed: number): string {
  const next = rng(seed * 7 + 3);
  let out = source;
  const edits = int(next, 1, 3);
  for (let e = 0; e < edits; e++) {
    const kind = int(next, 0, 3);
    if (kind === 0) {
      const numbers = [...out.matchAll(/\b(16|24|32|48|64|96|128|192|256|512)\b/g)];
      if (numbers.length) {
        const m = numbers[Math.floor(next() * numbers.length)]!;
        out = out.slice(0, m.index) + String(pick(next, WIDTHS)) + out.slice(m.index + m[0].length);
      }
    } else if (kind === 1) {
      const from = LOCALS.find((l) => new RegExp(`\\b${l}\\b = self`).test(out));
      if (from) out = out.replace(new RegExp(`\\b${from}\\b`, 'g'), pick(next, LOCALS.filter((l) => l !== from && !new RegExp(`\\b${l}\\b`).test(out))) ?? from);
    } else if (kind === 2) {
      const lines = out.split('\n');
      const at = int(next, 1, lines.length - 1);
      const indent = /^\s*/.exec(lines[at]!)![0];
      lines.splice(at, 0, `${indent}${pick(next, COMMENTS)}`);
      out = lines.join('\n');
    } else {
      const acts = [...out.matchAll(/nn\.(ReLU|GELU|SiLU|ELU|Tanh|Hardswish)\(\)/g)];
      if (acts.length) {
        const m = acts[Math.floor(next() * acts.length)]!;
        out = out.slice(0, m.index) + pick(next, ACTS) + out.slice(m.index + m[0].length);
      }
    }
  }
  return out;
}

/** Program i of the corpus: fresh, or (15%) a mutated copy of an earlier program. */
export function program(i: number): { source: string; parent: number | null } {
  const next = rng(i * 2654435761);
  if (i > 0 && next() < 0.15) {
    const parent = Math.floor(next() * i);
    return { source: mutateProgram(program(parent).source, i), parent };
  }
  return { source: freshProgram(i), parent: null };
}

/** Query q against a corpus of n programs: even q a mutated copy of a corpus program, odd q a fresh program. */
export function query(q: number, n: number): { source: string; parent: number | null } {
  const next = rng(0x51ed + q * 31);
  if (q % 2 === 0) {
    const parent = Math.floor(next() * n);
    return { source: mutateProgram(program(parent).source, 1_000_003 + q), parent };
  }
  return { source: freshProgram(50_000_000 + q), parent: null };
}
