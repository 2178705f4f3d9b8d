import { contentHash } from '../shared/canonical-json';
import type { DecodingParameters } from '../experiment/events';

/**
 * The fixed prompt of the LLM generators (PROTOCOLS.md, "Prompt"). The template text is a constant and its
 * hash is recorded on every candidate: a change of wording is a new template, visible in the ledger.
 */
export const PAPER_DECODING: DecodingParameters = { temperature: 0.2, topK: 50, topP: 0.9, maxNewTokens: 2048 };

export interface PromptContext {
  readonly dataset: string;
  /** (channels, height, width) of one image. */
  readonly inShape: readonly [number, number, number];
  readonly classes: number;
  readonly parameterBudget: number;
}

export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

export const SYSTEM_PROMPT =
  'You are an expert PyTorch architecture designer. You design convolutional neural networks that reach the ' +
  'highest possible validation accuracy after a single training epoch, under strict constraints on size and API.';

const CONTRACT = [
  'The program must define, at module level:',
  "- `supported_hyperparameters()` returning {'lr', 'momentum'};",
  '- `class Net(nn.Module)` with `__init__(self, in_shape, out_shape, prm, device)` where in_shape is (batch, channels, height, width), out_shape[0] the number of classes and prm the hyper-parameter dict;',
  '- `forward(self, x)` returning logits of shape (batch, classes);',
  "- `train_setup(self, prm)` that moves the model to self.device, sets `self.criteria = (nn.CrossEntropyLoss(),)` and an optimizer, by default `torch.optim.SGD(self.parameters(), lr=prm['lr'], momentum=prm['momentum'])`;",
  '- `learn(self, train_data)` that makes one pass over the (inputs, labels) batches it is given.',
  'Helper blocks may be defined before Net. Import only torch, torch.nn (and torch.nn.functional, math).',
].join('\n');

const PERMITTED = 'Permitted operations: standard convolutions (including depthwise and grouped), pooling, batch/group/layer normalisation, ' +
  'standard activations, dropout, linear layers, residual and concatenation connections, squeeze-excitation. ' +
  'No pretrained weights, no downloads, no data loading, no file or network access.';

function task(context: PromptContext): string {
  const [c, h, w] = context.inShape;
  return [
    `Dataset: ${context.dataset}. Input tensors have shape (N, ${c}, ${h}, ${w}); the model must output (N, ${context.classes}) logits.`,
    `Parameter budget: at most ${context.parameterBudget.toLocaleString('en-US')} trainable parameters.`,
    PERMITTED,
    CONTRACT,
  ].join('\n');
}

/** Full-program generation: "output a single nn.Module definition". */
export function fullProgramMessages(context: PromptContext): ChatMessage[] {
  return [
    { role: 'system', content: SYSTEM_PROMPT },
    { role: 'user', content: `${task(context)}\nOutput a single nn.Module definition: one complete Python program in a \`\`\`python code block.` },
  ];
}

/** Delta generation: the model sees a baseline and answers with a unified diff against it. */
export function deltaMessages(context: PromptContext, parentCode: string): ChatMessage[] {
  return [
    { role: 'system', content: SYSTEM_PROMPT },
    {
      role: 'user',
      content: `${task(context)}\nHere is a baseline program (parent.py):\n\`\`\`python\n${parentCode}\`\`\`\n` +
        'Improve its first-epoch accuracy. Output ONLY a unified diff against parent.py (--- a/parent.py, +++ b/candidate.py, ' +
        '@@ hunks with exact context lines) in a ```diff code block.',
    },
  ];
}

/** The corpus as the paper's chat-format prompt–code pairs (what LoRA fine-tunes on). */
export function trainingPair(context: PromptContext, code: string): ChatMessage[] {
  return [...fullProgramMessages(context), { role: 'assistant', content: '```python\n' + code.trimEnd() + '\n```' }];
}

export const PROMPT_TEMPLATE_VERSION = 1;

/** Hash of the template as rendered for this context (the parent's code is not part of the template). */
export function promptTemplateHash(context: PromptContext, delta: boolean): string {
  const messages = delta ? deltaMessages(context, '<PARENT>') : fullProgramMessages(context);
  return contentHash({ version: PROMPT_TEMPLATE_VERSION, messages });
}

/** How a shape is written for a dataset; unknown datasets fall back to CIFAR's 3x32x32. */
export const DATASET_SHAPES: Readonly<Record<string, { readonly inShape: readonly [number, number, number]; readonly classes: number }>> = {
  'fashion-mnist': { inShape: [1, 28, 28], classes: 10 },
  mnist: { inShape: [1, 28, 28], classes: 10 },
  cifar10: { inShape: [3, 32, 32], classes: 10 },
  cifar100: { inShape: [3, 32, 32], classes: 100 },
  svhn: { inShape: [3, 32, 32], classes: 10 },
};

export function promptContextFor(dataset: string, parameterBudget: number): PromptContext {
  const shape = DATASET_SHAPES[dataset] ?? DATASET_SHAPES.cifar10!;
  return { dataset, inShape: shape.inShape, classes: shape.classes, parameterBudget };
}
