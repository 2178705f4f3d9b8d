import { GROUP_NORM_GROUPS, MLP_HEAD_WIDTH, bottleneckWidth, invertedWidth, squeezeWidth, type ArchitecturePlan, type PlannedBlock } from './grammar-plan';

/**
 * What validation would say about a planned program, worked out without running it: the parameter count, the
 * final feature-map size, and the first stage that fails. The real verdict comes from the runner; this static
 * twin lets tests and benchmarks measure what the CE update learns (an int spec checks it against PyTorch).
 */
export interface StaticVerdict {
  readonly params: number;
  readonly finalSpatial: number;
  readonly failure: { readonly stage: 'instantiate' | 'budget' | 'forward'; readonly reason: string } | null;
}

export interface AnalysisContext {
  /** (channels, height, width) of one image. */
  readonly inShape: readonly [number, number, number];
  readonly classes: number;
  readonly parameterBudget: number;
}

class Tally {
  params = 0;
  instantiateError: string | null = null;
  forwardError: string | null = null;
  constructor(private readonly norm: ArchitecturePlan['decisions']['norm']) {}

  get bias(): boolean { return this.norm === 'none'; }

  conv(cIn: number, cOut: number, k: number, groups = 1, bias = this.bias): void {
    this.params += cOut * (cIn / groups) * k * k + (bias ? cOut : 0);
  }

  normOf(channels: number): void {
    if (this.norm === 'none') return;
    if (this.norm === 'group' && channels % GROUP_NORM_GROUPS !== 0) {
      this.instantiateError ??= `GroupNorm(${GROUP_NORM_GROUPS}, ${channels}): num_channels must be divisible by num_groups`;
    }
    this.params += 2 * channels;
  }

  linear(a: number, b: number): void { this.params += a * b + b; }

  squeeze(channels: number): void {
    const h = squeezeWidth(channels);
    this.params += channels * h + h + h * channels + channels;
  }

  spatial(size: number, k: number, stride: number, pad: number, what: string): number {
    const out = Math.floor((size + 2 * pad - k) / stride) + 1;
    if (out <= 0) this.forwardError ??= `${what} on a ${size}x${size} map: output size is too small`;
    return Math.max(out, 0);
  }
}

function block(t: Tally, b: PlannedBlock, k: number, se: boolean): void {
  const projection = b.stride !== 1 || b.cIn !== b.cOut;
  switch (b.type) {
    case 'conv':
      t.conv(b.cIn, b.cOut, k); t.normOf(b.cOut);
      break;
    case 'depthwise':
      t.conv(b.cIn, b.cIn, k, b.cIn); t.normOf(b.cIn); t.conv(b.cIn, b.cOut, 1); t.normOf(b.cOut);
      break;
    case 'residual':
      t.conv(b.cIn, b.cOut, k); t.normOf(b.cOut); t.conv(b.cOut, b.cOut, k); t.normOf(b.cOut);
      if (projection) { t.conv(b.cIn, b.cOut, 1); t.normOf(b.cOut); }
      break;
    case 'bottleneck': {
      const mid = bottleneckWidth(b.cOut);
      t.conv(b.cIn, mid, 1); t.normOf(mid); t.conv(mid, mid, k); t.normOf(mid); t.conv(mid, b.cOut, 1); t.normOf(b.cOut);
      if (projection) { t.conv(b.cIn, b.cOut, 1); t.normOf(b.cOut); }
      break;
    }
    case 'inverted': {
      const hidden = invertedWidth(b.cIn);
      t.conv(b.cIn, hidden, 1); t.normOf(hidden); t.conv(hidden, hidden, k, hidden); t.normOf(hidden); t.conv(hidden, b.cOut, 1); t.normOf(b.cOut);
      break;
    }
    default: {
      const never: never = b.type;
      throw new Error(`unknown block ${String(never)}`);
    }
  }
  if (se) t.squeeze(b.cOut);
}

export function analysePlan(plan: ArchitecturePlan, context: AnalysisContext): StaticVerdict {
  const d = plan.decisions;
  const t = new Tally(d.norm);
  const [channels, height] = context.inShape;
  const k = d.kernel;
  t.conv(channels, plan.stem.channels, plan.stem.kernel); t.normOf(plan.stem.channels);
  let size = t.spatial(height, plan.stem.kernel, plan.stem.stride, Math.floor(plan.stem.kernel / 2), 'stem conv');
  if (plan.stem.maxPool) size = t.spatial(size, 3, 2, 1, 'stem MaxPool2d(3, 2, 1)');
  for (const stage of plan.stages) {
    if (stage.pool !== null && size > 0) size = t.spatial(size, 2, 2, 0, stage.pool === 'max' ? 'MaxPool2d(2)' : 'AvgPool2d(2)');
    for (const b of stage.blocks) {
      block(t, b, k, d.se === 'se');
      // Depthwise/residual/bottleneck/inverted blocks put the stride on a k x k conv with padding k // 2.
      if (size > 0) size = t.spatial(size, k, b.stride, Math.floor(k / 2), `${b.type} block`);
    }
  }
  const c = plan.finalChannels;
  switch (d.head) {
    case 'gap_linear': t.linear(c, context.classes); break;
    case 'gap_mlp': t.linear(c, MLP_HEAD_WIDTH); t.linear(MLP_HEAD_WIDTH, context.classes); break;
    case 'pool4_linear': t.linear(c * 16, context.classes); break;
    case 'flatten_fixed':
      t.linear(c * plan.assumedSpatial * plan.assumedSpatial, context.classes);
      if (size > 0 && size !== plan.assumedSpatial) {
        t.forwardError ??= `flatten head expects ${c}x${plan.assumedSpatial}x${plan.assumedSpatial} features, got ${c}x${size}x${size}`;
      }
      break;
    default: {
      const never: never = d.head;
      throw new Error(`unknown head ${String(never)}`);
    }
  }
  const failure = t.instantiateError !== null ? { stage: 'instantiate' as const, reason: t.instantiateError }
    : t.params > context.parameterBudget ? { stage: 'budget' as const, reason: `${t.params} parameters exceed the budget of ${context.parameterBudget}` }
    : t.forwardError !== null ? { stage: 'forward' as const, reason: t.forwardError }
    : null;
  return { params: t.params, finalSpatial: size, failure };
}
