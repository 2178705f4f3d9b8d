import type { Choice, GrammarDecisions } from './grammar';

/**
 * The concrete architecture a decision record stands for. The renderer writes it as Python and the analysis
 * counts its parameters and feature-map sizes from the same plan, so the two cannot drift apart.
 */
export interface PlannedBlock {
  readonly type: Choice<'block'>;
  readonly cIn: number;
  readonly cOut: number;
  readonly stride: 1 | 2;
}

export interface PlannedStage {
  readonly index: number;
  readonly channels: number;
  /** Pooling before the stage's first block (pool downsampling), or null. */
  readonly pool: 'max' | 'avg' | null;
  readonly blocks: readonly PlannedBlock[];
}

export interface PlannedStem {
  readonly kernel: number;
  readonly stride: 1 | 2;
  /** The ImageNet-style stem follows its conv with MaxPool2d(3, stride=2, padding=1). */
  readonly maxPool: boolean;
  readonly channels: number;
}

export interface ArchitecturePlan {
  readonly decisions: GrammarDecisions;
  readonly stem: PlannedStem;
  readonly stages: readonly PlannedStage[];
  readonly finalChannels: number;
  /** Downsampling steps after the stem, counted the way the flatten head's author counted them. */
  readonly halvings: number;
  /** The spatial size a `flatten_fixed` head assumes: 32x32 halved `halvings` times (wrong for other inputs). */
  readonly assumedSpatial: number;
}

const STEMS: Readonly<Record<Choice<'stem'>, Omit<PlannedStem, 'channels'>>> = {
  conv3: { kernel: 3, stride: 1, maxPool: false },
  conv5: { kernel: 5, stride: 1, maxPool: false },
  conv3_s2: { kernel: 3, stride: 2, maxPool: false },
  conv7_s2_pool: { kernel: 7, stride: 2, maxPool: true },
};

export function stageWidth(decisions: GrammarDecisions, stage: number): number {
  return Math.round(decisions.width * decisions.growth ** stage);
}

export function planArchitecture(decisions: GrammarDecisions): ArchitecturePlan {
  const stem: PlannedStem = { ...STEMS[decisions.stem], channels: decisions.width };
  let channels = stem.channels;
  const stages: PlannedStage[] = [];
  for (let s = 0; s < decisions.stages; s += 1) {
    const width = stageWidth(decisions, s);
    const downsample = s > 0;
    const pool = downsample && decisions.downsample !== 'stride' ? (decisions.downsample === 'maxpool' ? 'max' : 'avg') : null;
    const blocks: PlannedBlock[] = [];
    for (let b = 0; b < decisions.depth; b += 1) {
      const stride = downsample && b === 0 && decisions.downsample === 'stride' ? 2 : 1;
      blocks.push({ type: decisions.blocks[s]!, cIn: channels, cOut: width, stride });
      channels = width;
    }
    stages.push({ index: s, channels: width, pool, blocks });
  }
  const halvings = (stem.stride === 2 ? 1 : 0) + (stem.maxPool ? 1 : 0) + Math.max(0, decisions.stages - 1);
  return { decisions, stem, stages, finalChannels: channels, halvings, assumedSpatial: Math.max(1, 32 >> halvings) };
}

/** Bottleneck and inverted-residual inner widths, the same expressions the rendered Python uses. */
export const bottleneckWidth = (cOut: number): number => Math.max(8, Math.floor(cOut / 4));
export const invertedWidth = (cIn: number): number => cIn * 4;
export const squeezeWidth = (channels: number): number => Math.max(8, Math.floor(channels / 4));
export const GROUP_NORM_GROUPS = 8;
export const MLP_HEAD_WIDTH = 128;
