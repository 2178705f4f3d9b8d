import type { CorpusEntry, DecodingParameters, GeneratorRef } from '../../domain/experiment/events';
import { sha256Hex } from '../../domain/shared/canonical-json';
import { deltaMessages, fullProgramMessages, promptContextFor, promptTemplateHash, type ChatMessage, type PromptContext } from '../../domain/generators/prompt';
import { extractCode, extractDiff, ExtractionError } from '../../domain/generators/extract';
import { applyUnifiedDiff, DiffApplyError } from '../../domain/generators/unified-diff';
import { deriveSeed, seededRng } from '../../domain/generators/rng';
import type { GeneratedProgram, GenerationContext } from './generator.port';

/** What LLM generators share: the prompt for each candidate, delta parents, and turning answers into programs. */
export interface ChatRequest {
  readonly messages: ChatMessage[];
  readonly parent: CorpusEntry | null;
}

export function promptContextOf(context: Pick<GenerationContext, 'dataset' | 'parameterBudget'>): PromptContext {
  return promptContextFor(context.dataset, context.parameterBudget);
}

/** One request per candidate; in delta mode each draws its parent from the corpus with its own seeded stream. */
export function chatRequests(n: number, seed: number, context: GenerationContext): ChatRequest[] {
  const prompt = promptContextOf(context);
  const parents = context.delta ? context.corpus : [];
  return Array.from({ length: n }, (_, index) => {
    if (parents.length === 0) return { messages: fullProgramMessages(prompt), parent: null };
    const parent = parents[seededRng(deriveSeed(seed, 'delta-parent', index)).int(parents.length)]!;
    return { messages: deltaMessages(prompt, parent.code), parent };
  });
}

export interface ChatAnswer {
  readonly text: string;
  readonly outputTokens: number;
}

/** Extraction and (for deltas) strict application; failures become `parse` / `diff-apply` rejections, never exceptions. */
export function resolveAnswer(
  index: number, request: ChatRequest, answer: ChatAnswer, generator: GeneratorRef, decoding: DecodingParameters, context: GenerationContext,
): GeneratedProgram {
  const promptHash = promptTemplateHash(promptContextOf(context), request.parent !== null);
  const base = { index, promptHash, decoding, generator, outputTokens: answer.outputTokens };
  const raw = { code: answer.text, codeHash: sha256Hex(answer.text) };
  if (request.parent === null) {
    try {
      const code = extractCode(answer.text);
      return { ...base, code, codeHash: sha256Hex(code), parent: null, failure: null };
    } catch (error) {
      if (!(error instanceof ExtractionError)) throw error;
      return { ...base, ...raw, parent: null, failure: { stage: 'parse', reason: error.message } };
    }
  }
  let diff: string;
  try {
    diff = extractDiff(answer.text);
  } catch (error) {
    if (!(error instanceof ExtractionError)) throw error;
    return { ...base, ...raw, parent: { entryId: request.parent.entryId, diff: '' }, failure: { stage: 'parse', reason: error.message } };
  }
  try {
    const code = applyUnifiedDiff(request.parent.code, diff);
    return { ...base, code, codeHash: sha256Hex(code), parent: { entryId: request.parent.entryId, diff }, failure: null };
  } catch (error) {
    if (!(error instanceof DiffApplyError)) throw error;
    return { ...base, ...raw, parent: { entryId: request.parent.entryId, diff }, failure: { stage: 'diff-apply', reason: error.message } };
  }
}
