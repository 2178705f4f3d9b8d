import { contentHash } from '../shared/canonical-json';
import { LedgerError } from '../shared/ledger-error';
import { DEFAULT_GRAMMAR_TEMPERATURE, GRAMMAR_TEMPERATURE_RANGE, MAX_GRAMMAR_TEMPERATURE } from '../experiment/config';
import { drawIndex, type Rng } from './rng';

/**
 * The built-in generator's grammar: a fixed set of categorical decisions over CNN programs under the contract.
 * θ is one probability vector per decision. Some choices (and combinations) make programs that fail validation
 * (over the parameter budget, a feature map shrunk to nothing, a flatten size hand-computed for 32x32 inputs,
 * GroupNorm on a width not divisible by its 8 groups), so validity is something the CE update must learn.
 */
export const GRAMMAR_CHOICES = {
  stem: ['conv3', 'conv5', 'conv3_s2', 'conv7_s2_pool'],
  width: [16, 24, 32, 48, 64, 96, 128],
  growth: [1, 1.5, 2],
  stages: [1, 2, 3, 4, 5],
  depth: [1, 2, 3],
  downsample: ['maxpool', 'avgpool', 'stride'],
  /** Drawn once per stage. */
  block: ['conv', 'depthwise', 'residual', 'bottleneck', 'inverted'],
  kernel: [3, 5, 7],
  se: ['none', 'se'],
  norm: ['batch', 'group', 'none'],
  activation: ['relu', 'gelu', 'silu', 'hardswish', 'leaky_relu'],
  head: ['gap_linear', 'gap_mlp', 'pool4_linear', 'flatten_fixed'],
  dropout: [0, 0.1, 0.2, 0.3],
  optimizer: ['sgd', 'sgd_nesterov', 'adamw', 'rmsprop'],
  clip: ['none', '1', '3'],
} as const;

export type DecisionName = keyof typeof GRAMMAR_CHOICES;
export type Choice<D extends DecisionName> = (typeof GRAMMAR_CHOICES)[D][number];
export const DECISION_NAMES = Object.keys(GRAMMAR_CHOICES) as DecisionName[];

/** One program's decisions; `blocks` has one entry per stage. */
export interface GrammarDecisions {
  readonly stem: Choice<'stem'>;
  readonly width: Choice<'width'>;
  readonly growth: Choice<'growth'>;
  readonly stages: Choice<'stages'>;
  readonly depth: Choice<'depth'>;
  readonly downsample: Choice<'downsample'>;
  readonly blocks: readonly Choice<'block'>[];
  readonly kernel: Choice<'kernel'>;
  readonly se: Choice<'se'>;
  readonly norm: Choice<'norm'>;
  readonly activation: Choice<'activation'>;
  readonly head: Choice<'head'>;
  readonly dropout: Choice<'dropout'>;
  readonly optimizer: Choice<'optimizer'>;
  readonly clip: Choice<'clip'>;
}

/** θ: a probability vector per decision, aligned with GRAMMAR_CHOICES. */
export type GrammarTheta = { readonly [D in DecisionName]: readonly number[] };

export const GRAMMAR_VERSION_SCHEMA = 1;

/**
 * The initial θ: a broad prior with the habits of someone who has read a lot of PyTorch (the role the
 * LEMUR-pretrained LLM plays in seed 001): 3x3 kernels, BatchNorm, SGD or AdamW, middling widths and 1-3 stages
 * are written more often than the rest, but every choice keeps at least a tenth of its decision's mass. It knows
 * nothing about this task's input size or parameter budget: wide stems, fast growth, deep stage stacks, GroupNorm
 * on odd widths and a flatten head sized for 32x32 inputs are all drawn, so about half of its programs validate on
 * Fashion-MNIST (budget, forward and instantiate failures; see grammar-ce.unit.spec.ts), and choices that learn
 * slowly in one epoch (GAP heads, RMSprop at lr 0.01) are common. The CE update has to learn the rest.
 */
const INITIAL_PRIOR: { readonly [D in DecisionName]?: readonly number[] } = {
  stem: [0.3, 0.15, 0.3, 0.25],
  width: [0.1, 0.1, 0.2, 0.2, 0.2, 0.1, 0.1],
  stages: [0.25, 0.25, 0.2, 0.15, 0.15],
  kernel: [0.5, 0.3, 0.2],
  norm: [0.5, 0.25, 0.25],
  head: [0.25, 0.25, 0.35, 0.15],
  optimizer: [0.35, 0.15, 0.4, 0.1],
};

export function initialTheta(): GrammarTheta {
  const out = {} as Record<DecisionName, number[]>;
  for (const d of DECISION_NAMES) out[d] = [...(INITIAL_PRIOR[d] ?? GRAMMAR_CHOICES[d].map(() => 1 / GRAMMAR_CHOICES[d].length))];
  return out;
}

/**
 * θ as stored: probabilities rounded to 12 digits so float noise never forks a version. A decoding temperature other
 * than 1 is stored with θ, so it is part of the version (and a fine-tune carries it on); at T = 1 the artifact is
 * exactly what it was before temperatures existed, so older versions keep their names.
 */
export interface GrammarThetaArtifact {
  readonly kind: 'grammar-theta';
  readonly schema: number;
  readonly theta: GrammarTheta;
  readonly temperature?: number;
}

export function thetaArtifact(theta: GrammarTheta, temperature = 1): GrammarThetaArtifact {
  const rounded = {} as Record<DecisionName, number[]>;
  for (const d of DECISION_NAMES) rounded[d] = theta[d].map((p) => Math.round(p * 1e12) / 1e12);
  const base = { kind: 'grammar-theta' as const, schema: GRAMMAR_VERSION_SCHEMA, theta: rounded };
  return temperature === 1 ? base : { ...base, temperature };
}

/** A version is `grammar-` and the start of the content hash of θ's artifact (its file name in the artifact dir). */
export function thetaVersion(theta: GrammarTheta, temperature = 1): string {
  return `grammar-${contentHash(thetaArtifact(theta, temperature)).slice(0, 16)}`;
}

export { DEFAULT_GRAMMAR_TEMPERATURE, EARLIER_DEFAULT_GRAMMAR_TEMPERATURES, GRAMMAR_TEMPERATURE_RANGE, MAX_GRAMMAR_TEMPERATURE } from '../experiment/config';

/** The temperature as a number, or BAD_INPUT naming the allowed range (`source` says where the value came from). */
export function checkGrammarTemperature(value: unknown, source = 'grammarTemperature'): number {
  const t = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof t !== 'number' || !Number.isFinite(t) || t <= 0 || t > MAX_GRAMMAR_TEMPERATURE) {
    throw new LedgerError('BAD_INPUT', `${source} must be ${GRAMMAR_TEMPERATURE_RANGE}, got ${JSON.stringify(value)}`,
      `Use a decoding temperature in (0, ${MAX_GRAMMAR_TEMPERATURE}]: ${DEFAULT_GRAMMAR_TEMPERATURE} is the default (the paper's LLM decodes at 0.2), 1 samples θ unsharpened.`,
      { allowed: { exclusiveMinimum: 0, maximum: MAX_GRAMMAR_TEMPERATURE } });
  }
  return t;
}

/** θ as the sampler sees it at temperature T: each decision's p^(1/T), renormalised (in log space, so nothing underflows). */
export function temperedTheta(theta: GrammarTheta, temperature: number): GrammarTheta {
  checkGrammarTemperature(temperature, 'temperature');
  if (temperature === 1) return theta;
  const out = {} as Record<DecisionName, number[]>;
  for (const d of DECISION_NAMES) {
    const logits = theta[d].map((p) => Math.log(p) / temperature);
    const top = Math.max(...logits);
    const weights = logits.map((l) => Math.exp(l - top));
    const sum = weights.reduce((s, w) => s + w, 0);
    out[d] = weights.map((w) => w / sum);
  }
  return out;
}

export function drawChoice<D extends DecisionName>(theta: GrammarTheta, d: D, rng: Rng): Choice<D> {
  return GRAMMAR_CHOICES[d][drawIndex(rng, theta[d])] as Choice<D>;
}

export function sampleDecisions(theta: GrammarTheta, rng: Rng): GrammarDecisions {
  const stem = drawChoice(theta, 'stem', rng);
  const width = drawChoice(theta, 'width', rng);
  const growth = drawChoice(theta, 'growth', rng);
  const stages = drawChoice(theta, 'stages', rng);
  const depth = drawChoice(theta, 'depth', rng);
  const downsample = drawChoice(theta, 'downsample', rng);
  const blocks = Array.from({ length: stages }, () => drawChoice(theta, 'block', rng));
  return {
    stem, width, growth, stages, depth, downsample, blocks,
    kernel: drawChoice(theta, 'kernel', rng),
    se: drawChoice(theta, 'se', rng),
    norm: drawChoice(theta, 'norm', rng),
    activation: drawChoice(theta, 'activation', rng),
    head: drawChoice(theta, 'head', rng),
    dropout: drawChoice(theta, 'dropout', rng),
    optimizer: drawChoice(theta, 'optimizer', rng),
    clip: drawChoice(theta, 'clip', rng),
  };
}

/** The choice indices a program used, per decision (several for `block`): what the MLE counts. */
export function decisionIndices(decisions: GrammarDecisions): Record<DecisionName, number[]> {
  const out = {} as Record<DecisionName, number[]>;
  for (const d of DECISION_NAMES) {
    const values: readonly unknown[] = d === 'block' ? decisions.blocks : [decisions[d]];
    out[d] = values.map((v) => (GRAMMAR_CHOICES[d] as readonly unknown[]).indexOf(v));
  }
  return out;
}

/** Checks a decoded decision record (from a program header) against the grammar; null if it is not one. */
export function parseDecisions(value: unknown): GrammarDecisions | null {
  if (value === null || typeof value !== 'object') return null;
  const v = value as Record<string, unknown>;
  for (const d of DECISION_NAMES) {
    if (d === 'block') continue;
    if (!(GRAMMAR_CHOICES[d] as readonly unknown[]).includes(v[d])) return null;
  }
  const blocks = v.blocks;
  if (!Array.isArray(blocks) || blocks.length !== v.stages) return null;
  if (!blocks.every((b) => (GRAMMAR_CHOICES.block as readonly unknown[]).includes(b))) return null;
  return v as unknown as GrammarDecisions;
}
