import { canonicalJson } from '../shared/canonical-json';
import { GRAMMAR_VERSION_SCHEMA, parseDecisions, type Choice, type GrammarDecisions } from './grammar';
import { GROUP_NORM_GROUPS, MLP_HEAD_WIDTH, planArchitecture, type ArchitecturePlan } from './grammar-plan';

/**
 * Writes a decision record as a readable Python program under the contract. The leading comment block carries
 * the decisions so an admitted program can feed the CE update; the novelty lexer strips comments, so the header
 * does not make programs look alike.
 */
export const GRAMMAR_HEADER_PREFIX = '# nas-ledger-grammar: ';

export function renderProgram(decisions: GrammarDecisions): string {
  const plan = planArchitecture(decisions);
  const d = decisions;
  const usedBlocks = [...new Set(d.blocks)];
  const parts = [
    ...decisionsHeader(d),
    'import torch',
    'import torch.nn as nn',
    '',
    '',
    'def supported_hyperparameters():',
    "    return {'lr', 'momentum'}",
    '',
    '',
    ...normAndActivation(d),
    ...(d.se === 'se' ? SQUEEZE_EXCITE : []),
    ...usedBlocks.flatMap((b) => BLOCK_CLASSES[b](d.kernel, d.se === 'se', d.norm === 'none')),
    ...netClass(plan),
  ];
  return parts.join('\n') + '\n';
}

/**
 * The header: the decisions as JSON, one decision per comment line, so a mutation of one decision changes one
 * header line of a delta diff instead of a long single line.
 */
function decisionsHeader(d: GrammarDecisions): string[] {
  const decisions = JSON.parse(canonicalJson(d)) as Record<string, unknown>;
  const entries = Object.entries(decisions).map(([k, v], i, all) => `#   ${JSON.stringify(k)}: ${JSON.stringify(v)}${i < all.length - 1 ? ',' : ''}`);
  return [`${GRAMMAR_HEADER_PREFIX}{"schema": ${GRAMMAR_VERSION_SCHEMA}, "decisions": {`, ...entries, '# }}'];
}

/** The decisions in a program's header, or null when the program was not written by the grammar. */
export function readDecisionsHeader(code: string): GrammarDecisions | null {
  const lines = code.split('\n');
  const first = lines[0] ?? '';
  if (!first.startsWith(GRAMMAR_HEADER_PREFIX)) return null;
  let json = first.slice(GRAMMAR_HEADER_PREFIX.length);
  if (json.trimEnd().endsWith('{')) {
    // Multi-line form: comment lines up to the closing "# }}".
    const end = lines.indexOf('# }}');
    if (end < 0) return null;
    json += lines.slice(1, end + 1).map((l) => l.replace(/^#/, '')).join('\n');
  }
  try {
    const parsed = JSON.parse(json) as { schema?: unknown; decisions?: unknown };
    return parsed.schema === GRAMMAR_VERSION_SCHEMA ? parseDecisions(parsed.decisions) : null;
  } catch {
    return null;
  }
}

const NORMS: Readonly<Record<Choice<'norm'>, string>> = {
  batch: 'nn.BatchNorm2d(channels)',
  group: `nn.GroupNorm(${GROUP_NORM_GROUPS}, channels)`,
  none: 'nn.Identity()',
};

const ACTIVATIONS: Readonly<Record<Choice<'activation'>, string>> = {
  relu: 'nn.ReLU(inplace=True)',
  gelu: 'nn.GELU()',
  silu: 'nn.SiLU(inplace=True)',
  hardswish: 'nn.Hardswish()',
  leaky_relu: 'nn.LeakyReLU(0.1, inplace=True)',
};

function normAndActivation(d: GrammarDecisions): string[] {
  return [
    'def norm(channels):',
    `    return ${NORMS[d.norm]}`,
    '',
    '',
    'def act():',
    `    return ${ACTIVATIONS[d.activation]}`,
    '',
    '',
  ];
}

const SQUEEZE_EXCITE = [
  'class SqueezeExcite(nn.Module):',
  '    def __init__(self, channels):',
  '        super().__init__()',
  '        hidden = max(8, channels // 4)',
  '        self.gate = nn.Sequential(',
  '            nn.AdaptiveAvgPool2d(1),',
  '            nn.Conv2d(channels, hidden, 1),',
  '            nn.ReLU(inplace=True),',
  '            nn.Conv2d(hidden, channels, 1),',
  '            nn.Sigmoid(),',
  '        )',
  '',
  '    def forward(self, x):',
  '        return x * self.gate(x)',
  '',
  '',
];

type BlockWriter = (kernel: number, se: boolean, bias: boolean) => string[];

const conv = (cIn: string, cOut: string, k: number | string, bias: boolean, extra = ''): string =>
  `nn.Conv2d(${cIn}, ${cOut}, ${k}${extra}, bias=${bias ? 'True' : 'False'})`;

const seLine = (se: boolean, channels: string): string => (se ? `SqueezeExcite(${channels})` : 'nn.Identity()');

/** The end of a residual block: close the body, a projection shortcut where the shape changes, add and activate. */
const residualTail = (bias: boolean): string[] => [
  '        )',
  '        self.shortcut = nn.Identity()',
  '        if stride != 1 or c_in != c_out:',
  `            self.shortcut = nn.Sequential(${conv('c_in', 'c_out', 1, bias, ', stride=stride')}, norm(c_out))`,
  '        self.act = act()',
  '',
  '    def forward(self, x):',
  '        return self.act(self.body(x) + self.shortcut(x))',
  '',
  '',
];

const BLOCK_CLASSES: Readonly<Record<Choice<'block'>, BlockWriter>> = {
  conv: (k, se, bias) => [
    'class ConvBlock(nn.Module):',
    '    def __init__(self, c_in, c_out, stride):',
    '        super().__init__()',
    `        self.conv = ${conv('c_in', 'c_out', k, bias, `, stride=stride, padding=${k >> 1}`)}`,
    '        self.norm = norm(c_out)',
    '        self.act = act()',
    `        self.se = ${seLine(se, 'c_out')}`,
    '',
    '    def forward(self, x):',
    '        return self.se(self.act(self.norm(self.conv(x))))',
    '',
    '',
  ],
  depthwise: (k, se, bias) => [
    'class DepthwiseBlock(nn.Module):',
    '    def __init__(self, c_in, c_out, stride):',
    '        super().__init__()',
    `        self.depthwise = ${conv('c_in', 'c_in', k, bias, `, stride=stride, padding=${k >> 1}, groups=c_in`)}`,
    '        self.norm1 = norm(c_in)',
    `        self.pointwise = ${conv('c_in', 'c_out', 1, bias)}`,
    '        self.norm2 = norm(c_out)',
    '        self.act = act()',
    `        self.se = ${seLine(se, 'c_out')}`,
    '',
    '    def forward(self, x):',
    '        x = self.act(self.norm1(self.depthwise(x)))',
    '        return self.se(self.act(self.norm2(self.pointwise(x))))',
    '',
    '',
  ],
  residual: (k, se, bias) => [
    'class ResidualBlock(nn.Module):',
    '    def __init__(self, c_in, c_out, stride):',
    '        super().__init__()',
    '        self.body = nn.Sequential(',
    `            ${conv('c_in', 'c_out', k, bias, `, stride=stride, padding=${k >> 1}`)},`,
    '            norm(c_out),',
    '            act(),',
    `            ${conv('c_out', 'c_out', k, bias, `, padding=${k >> 1}`)},`,
    '            norm(c_out),',
    `            ${seLine(se, 'c_out')},`,
    ...residualTail(bias),
  ],
  bottleneck: (k, se, bias) => [
    'class BottleneckBlock(nn.Module):',
    '    def __init__(self, c_in, c_out, stride):',
    '        super().__init__()',
    '        mid = max(8, c_out // 4)',
    '        self.body = nn.Sequential(',
    `            ${conv('c_in', 'mid', 1, bias)},`,
    '            norm(mid),',
    '            act(),',
    `            ${conv('mid', 'mid', k, bias, `, stride=stride, padding=${k >> 1}`)},`,
    '            norm(mid),',
    '            act(),',
    `            ${conv('mid', 'c_out', 1, bias)},`,
    '            norm(c_out),',
    `            ${seLine(se, 'c_out')},`,
    ...residualTail(bias),
  ],
  inverted: (k, se, bias) => [
    'class InvertedBlock(nn.Module):',
    '    def __init__(self, c_in, c_out, stride):',
    '        super().__init__()',
    '        hidden = c_in * 4',
    '        self.use_residual = stride == 1 and c_in == c_out',
    '        self.body = nn.Sequential(',
    `            ${conv('c_in', 'hidden', 1, bias)},`,
    '            norm(hidden),',
    '            act(),',
    `            ${conv('hidden', 'hidden', k, bias, `, stride=stride, padding=${k >> 1}, groups=hidden`)},`,
    '            norm(hidden),',
    '            act(),',
    `            ${conv('hidden', 'c_out', 1, bias)},`,
    '            norm(c_out),',
    `            ${seLine(se, 'c_out')},`,
    '        )',
    '',
    '    def forward(self, x):',
    '        out = self.body(x)',
    '        return x + out if self.use_residual else out',
    '',
    '',
  ],
};

const BLOCK_CLASS_NAMES: Readonly<Record<Choice<'block'>, string>> = {
  conv: 'ConvBlock', depthwise: 'DepthwiseBlock', residual: 'ResidualBlock', bottleneck: 'BottleneckBlock', inverted: 'InvertedBlock',
};

const OPTIMIZERS: Readonly<Record<Choice<'optimizer'>, string>> = {
  sgd: "torch.optim.SGD(self.parameters(), lr=prm['lr'], momentum=prm['momentum'])",
  sgd_nesterov: "torch.optim.SGD(self.parameters(), lr=prm['lr'], momentum=prm['momentum'], nesterov=True)",
  adamw: "torch.optim.AdamW(self.parameters(), lr=prm['lr'], betas=(prm['momentum'], 0.999), weight_decay=0.01)",
  rmsprop: "torch.optim.RMSprop(self.parameters(), lr=prm['lr'], momentum=prm['momentum'])",
};

function netClass(plan: ArchitecturePlan): string[] {
  const d = plan.decisions;
  const stem = plan.stem;
  const bias = d.norm === 'none' ? 'True' : 'False';
  const lines = [
    'class Net(nn.Module):',
    '    def __init__(self, in_shape, out_shape, prm, device):',
    '        super().__init__()',
    '        self.device = device',
    '        self.stem = nn.Sequential(',
    `            nn.Conv2d(in_shape[1], ${stem.channels}, ${stem.kernel}, stride=${stem.stride}, padding=${stem.kernel >> 1}, bias=${bias}),`,
    `            norm(${stem.channels}),`,
    '            act(),',
    ...(stem.maxPool ? ['            nn.MaxPool2d(3, stride=2, padding=1),'] : []),
    '        )',
    '        self.features = nn.Sequential(',
  ];
  for (const stage of plan.stages) {
    const how = stage.pool === 'max' ? ', downsampled by max-pooling' : stage.pool === 'avg' ? ', downsampled by average-pooling'
      : stage.index > 0 ? ', downsampled by a strided first block' : '';
    lines.push(`            # stage ${stage.index + 1}: ${stage.channels} channels${how}`);
    if (stage.pool !== null) lines.push(`            nn.${stage.pool === 'max' ? 'MaxPool2d' : 'AvgPool2d'}(2),`);
    for (const b of stage.blocks) lines.push(`            ${BLOCK_CLASS_NAMES[b.type]}(${b.cIn}, ${b.cOut}, stride=${b.stride}),`);
  }
  lines.push('        )', ...headLines(plan), '');
  lines.push('    def forward(self, x):', '        return self.head(self.features(self.stem(x)))', '');
  lines.push(
    '    def train_setup(self, prm):',
    '        self.to(self.device)',
    '        self.criteria = (nn.CrossEntropyLoss().to(self.device),)',
    `        self.optimizer = ${OPTIMIZERS[d.optimizer]}`,
    '',
    '    def learn(self, train_data):',
    '        self.train()',
    '        for inputs, labels in train_data:',
    '            inputs, labels = inputs.to(self.device), labels.to(self.device)',
    '            self.optimizer.zero_grad()',
    '            loss = self.criteria[0](self(inputs), labels)',
    '            loss.backward()',
    ...(d.clip === 'none' ? [] : [`            nn.utils.clip_grad_norm_(self.parameters(), ${d.clip})`]),
    '            self.optimizer.step()',
  );
  return lines;
}

function headLines(plan: ArchitecturePlan): string[] {
  const d = plan.decisions;
  const c = plan.finalChannels;
  const dropout = d.dropout > 0 ? [`            nn.Dropout(${d.dropout}),`] : [];
  const open = '        self.head = nn.Sequential(';
  switch (d.head) {
    case 'gap_linear':
      return [open, '            nn.AdaptiveAvgPool2d(1),', '            nn.Flatten(),', ...dropout, `            nn.Linear(${c}, out_shape[0]),`, '        )'];
    case 'gap_mlp':
      return [open, '            nn.AdaptiveAvgPool2d(1),', '            nn.Flatten(),', `            nn.Linear(${c}, ${MLP_HEAD_WIDTH}),`, '            act(),',
        ...dropout, `            nn.Linear(${MLP_HEAD_WIDTH}, out_shape[0]),`, '        )'];
    case 'pool4_linear':
      return [open, '            nn.AdaptiveAvgPool2d(4),', '            nn.Flatten(),', ...dropout, `            nn.Linear(${c} * 4 * 4, out_shape[0]),`, '        )'];
    case 'flatten_fixed': {
      const s = plan.assumedSpatial;
      return [`        # a 32x32 input halved ${plan.halvings} times leaves ${s}x${s} maps`, open, '            nn.Flatten(),', ...dropout,
        `            nn.Linear(${c} * ${s} * ${s}, out_shape[0]),`, '        )'];
    }
    default: {
      const never: never = d.head;
      throw new Error(`unknown head ${String(never)}`);
    }
  }
}
