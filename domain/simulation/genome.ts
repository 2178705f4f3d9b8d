/**
 * Seed 003's architecture model: a genome is d = 15 component indices drawn from 30 component types.
 * For the loop, a genome is emitted as a tiny pseudo-Python program (one line per component), so the
 * text-based novelty engine (MinHash over tokens) sees genomes that share components as similar text.
 */
export const GENOME_LENGTH = 15;
export const COMPONENT_TYPES = [
  'Conv3x3', 'Conv5x5', 'Conv1x1', 'DepthwiseConv3x3', 'DilatedConv3x3', 'GroupConv3x3', 'SeparableConv5x5', 'StridedConv3x3',
  'BatchNorm', 'LayerNorm', 'GroupNorm', 'ReLU', 'GELU', 'SiLU', 'LeakyReLU', 'Tanh',
  'MaxPool2', 'AvgPool2', 'AdaptiveAvgPool', 'Dropout', 'DropPath', 'SqueezeExcite', 'ResidualAdd', 'DenseConcat',
  'ChannelShuffle', 'InvertedBottleneck', 'Attention2d', 'Upsample2', 'Identity', 'Flatten',
] as const;
export const COMPONENT_COUNT = COMPONENT_TYPES.length; // 30

export type Genome = readonly number[];

export function isGenome(value: readonly number[]): boolean {
  return value.length === GENOME_LENGTH && value.every((g) => Number.isInteger(g) && g >= 0 && g < COMPONENT_COUNT);
}

/** The pseudo-Python program of a genome. Layer widths follow the position so equal genomes give equal text. */
export function genomeToProgram(genome: Genome): string {
  const lines = [
    'import torch',
    'import torch.nn as nn',
    '',
    "def supported_hyperparameters():",
    "    return {'lr', 'momentum'}",
    '',
    'class Net(nn.Module):',
    '    def __init__(self, in_shape, out_shape, prm, device):',
    '        super().__init__()',
    '        self.layers = nn.Sequential(',
    ...genome.map((g, i) => `            ${COMPONENT_TYPES[g]!}(width=${16 * (1 + (i >> 2))}),  # g${String(i).padStart(2, '0')}=${g}`),
    '        )',
    '',
    '    def forward(self, x):',
    '        return self.layers(x)',
    '',
  ];
  return lines.join('\n');
}

/** Reads a genome back from its program (the `# gNN=k` markers); null when the text is not a sim program. */
export function programToGenome(code: string): number[] | null {
  const genome: number[] = [];
  for (const match of code.matchAll(/# g(\d{2})=(\d+)/g)) {
    const position = Number(match[1]);
    if (position !== genome.length) return null;
    genome.push(Number(match[2]));
  }
  return isGenome(genome) ? genome : null;
}

export function hammingDistance(a: Genome, b: Genome): number {
  let d = 0;
  for (let i = 0; i < GENOME_LENGTH; i++) if (a[i] !== b[i]) d++;
  return d;
}

/** Mean pairwise normalised Hamming distance: seed 003's population diversity. 0 for fewer than two genomes. */
export function diversityOf(population: readonly Genome[]): number {
  const n = population.length;
  if (n < 2) return 0;
  let sum = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) sum += hammingDistance(population[i]!, population[j]!);
  return sum / ((n * (n - 1)) / 2) / GENOME_LENGTH;
}

/** Mean normalised distance to the k nearest archive members: seed 003's novelty (1 when the archive is empty). */
export function noveltyOf(genome: Genome, archive: readonly Genome[], k = 5): number {
  if (archive.length === 0) return 1;
  const distances = archive.map((a) => hammingDistance(genome, a)).sort((x, y) => x - y).slice(0, k);
  return distances.reduce((s, d) => s + d, 0) / distances.length / GENOME_LENGTH;
}
