import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CorpusEntry, DecodingParameters, GeneratorRef } from '../../domain/experiment/events';
import { contentHash, sha256Hex } from '../../domain/shared/canonical-json';
import { LedgerError } from '../../domain/shared/ledger-error';
import { PAPER_DECODING, promptContextFor, trainingPair, type ChatMessage } from '../../domain/generators/prompt';
import { ArtifactStore } from '../../src/ledger/artifact-store';
import { chatRequests, resolveAnswer, type ChatAnswer } from './chat-programs';
import type { FineTuneResult, GeneratedProgram, GenerationContext, Generator } from './generator.port';
import { llmPython, runPythonJob } from '../python/python-job';

export interface LocalLlmOptions {
  /** A local Hugging Face causal-LM directory; nothing is downloaded. */
  readonly modelPath: string;
  readonly artifacts: ArtifactStore;
  readonly version?: string;
  readonly python?: string;
  readonly device?: string;
  /** Default: the paper's (temperature 0.2, top-k 50, top-p 0.9, 2048 new tokens). */
  readonly decoding?: DecodingParameters;
  /** Prompt context of the training pairs: the experiment's dataset and budget. */
  readonly dataset?: string;
  readonly parameterBudget?: number;
  /** Overrides of lora_finetune.py's HYPER (the paper's values by default). */
  readonly hyper?: Readonly<Record<string, unknown>>;
  readonly timeoutMs?: number;
}

/** A generator version: the base model's identity and the LoRA adapter (by content hash) on top of it. */
interface LlmVersionArtifact {
  readonly kind: 'llm-version';
  readonly base: string;
  readonly adapter: string | null;
}

const versionOf = (artifact: LlmVersionArtifact): string => `llm-${contentHash(artifact).slice(0, 16)}`;

/**
 * A local code LLM (transformers) with LoRA (peft), run as one-shot Python jobs on this machine
 * (gpu-agent/runner/llm_generate.py, lora_finetune.py). Versions are content-addressed: a fine-tune stores the
 * adapter directory under its hash, and a version file names base + adapter.
 */
export class LocalLlmGenerator implements Generator {
  readonly ref: GeneratorRef;

  private constructor(private readonly options: LocalLlmOptions, private readonly modelPath: string, private readonly base: string,
    private readonly adapter: string | null, private readonly python: string) {
    this.ref = { id: `llm:${options.modelPath}`, version: versionOf({ kind: 'llm-version', base, adapter }) };
  }

  static open(options: LocalLlmOptions): LocalLlmGenerator {
    const modelPath = resolve(options.modelPath);
    const base = baseModelIdentity(modelPath);
    let adapter: string | null = null;
    if (options.version !== undefined) {
      const artifact = findVersion(options.artifacts, options.version);
      if (artifact.base !== base) {
        throw new LedgerError('INTEGRITY', `${options.version} was trained on another base model than ${modelPath}`,
          'Use the model directory the experiment started with.');
      }
      adapter = artifact.adapter;
      if (adapter !== null) options.artifacts.directory(adapter); // verifies the adapter's files against its hash
    } else {
      options.artifacts.putJson({ kind: 'llm-version', base, adapter: null } satisfies LlmVersionArtifact);
    }
    return new LocalLlmGenerator(options, modelPath, base, adapter, llmPython(options.python));
  }

  private get decoding(): DecodingParameters {
    return this.options.decoding ?? PAPER_DECODING;
  }

  private adapterPath(): string | null {
    return this.adapter === null ? null : this.options.artifacts.directory(this.adapter);
  }

  async generate(n: number, seed: number, context: GenerationContext): Promise<GeneratedProgram[]> {
    if (n === 0) return [];
    const requests = chatRequests(n, seed, context);
    const result = await runPythonJob<{ outputs: ChatAnswer[] }>(this.python, 'llm_generate.py', {
      model: this.modelPath, adapter: this.adapterPath(), requests: requests.map((r) => ({ messages: r.messages })),
      decoding: this.decoding, seed, device: this.options.device ?? 'auto',
    }, this.options.timeoutMs ?? 3_600_000);
    return requests.map((request, index) => resolveAnswer(index, request, result.outputs[index]!, this.ref, this.decoding, context));
  }

  async fineTune(_corpusVersion: number, entries: readonly CorpusEntry[]): Promise<FineTuneResult> {
    if (entries.length === 0) throw new LedgerError('REFUSED', 'cannot fine-tune on an empty corpus', 'Seed the experiment with a corpus first.');
    const started = process.hrtime.bigint();
    const prompt = promptContextFor(this.options.dataset ?? 'fashion-mnist', this.options.parameterBudget ?? 500_000);
    const pairs: ChatMessage[][] = entries.map((e) => trainingPair(prompt, e.code));
    const out = mkdtempSync(join(tmpdir(), 'nas-ledger-lora-'));
    try {
      const result = await runPythonJob<{ lossBefore: number; lossAfter: number }>(this.python, 'lora_finetune.py', {
        model: this.modelPath, adapter: this.adapterPath(), pairs, out, seed: 0, device: this.options.device ?? 'auto', hyper: this.options.hyper ?? {},
      }, this.options.timeoutMs ?? 6 * 3_600_000);
      const adapterHash = this.options.artifacts.putDirectory(out);
      const artifact: LlmVersionArtifact = { kind: 'llm-version', base: this.base, adapter: adapterHash };
      this.options.artifacts.putJson(artifact);
      return {
        to: { id: this.ref.id, version: versionOf(artifact) }, adapterHash, loss: result.lossAfter,
        durationMs: Number(process.hrtime.bigint() - started) / 1e6, used: entries.length,
      };
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }
}

/**
 * Identifies a base model without reading gigabytes: its config and tokenizer files by content, weight files by
 * name and size. Fails early, with a clear message, when the path is not a causal LM.
 */
export function baseModelIdentity(modelPath: string): string {
  if (!existsSync(modelPath) || !statSync(modelPath).isDirectory()) {
    throw new LedgerError('NOT_FOUND', `model directory ${modelPath} does not exist`, 'Give llm:<path> the local directory of a Hugging Face causal LM (config.json, weights, tokenizer).');
  }
  const configPath = join(modelPath, 'config.json');
  if (!existsSync(configPath)) throw new LedgerError('BAD_INPUT', `${modelPath} has no config.json: not a Hugging Face model directory`, 'Point llm:<path> at the model directory itself.');
  let config: { architectures?: unknown };
  try { config = JSON.parse(readFileSync(configPath, 'utf8')) as typeof config; } catch (error) {
    throw new LedgerError('BAD_INPUT', `${configPath} is not JSON: ${(error as Error).message}`, 'Restore the model directory.');
  }
  const architectures = Array.isArray(config.architectures) ? config.architectures.map(String) : [];
  if (!architectures.some((a) => a.endsWith('ForCausalLM'))) {
    throw new LedgerError('BAD_INPUT', `${modelPath} is not a causal language model (architectures: ${architectures.join(', ') || 'none'})`,
      'Use a decoder-only code model such as DeepSeek-Coder-7B-Instruct.');
  }
  const files = readdirSync(modelPath).sort();
  const weights = files.filter((f) => /\.(safetensors|bin|pt)$/.test(f)).map((f) => [f, statSync(join(modelPath, f)).size]);
  const small = files.filter((f) => /^(config|generation_config|tokenizer|tokenizer_config|special_tokens_map)\.json$|\.model$/.test(f))
    .map((f) => [f, sha256Hex(readFileSync(join(modelPath, f)))]);
  if (weights.length === 0) throw new LedgerError('BAD_INPUT', `${modelPath} has no weight files`, 'Download the model weights into the directory first.');
  return contentHash({ small, weights });
}

function findVersion(artifacts: ArtifactStore, version: string): LlmVersionArtifact {
  const m = /^llm-([0-9a-f]{16})$/.exec(version);
  if (!m) throw new LedgerError('BAD_INPUT', `"${version}" is not a local-LLM generator version`, 'A version looks like llm-<16 hex digits>, as printed by a fine-tune.');
  const files = existsSync(artifacts.dir) ? readdirSync(artifacts.dir).filter((f) => f.startsWith(m[1]!) && f.endsWith('.json')) : [];
  if (files.length === 0) {
    throw new LedgerError('NOT_FOUND', `no version file for ${version} in ${artifacts.dir}`, 'Point NAS_LEDGER_ARTIFACTS (or the store path) at the experiment\'s artifact directory.');
  }
  const artifact = artifacts.getJson<LlmVersionArtifact>(files[0]!.slice(0, -'.json'.length));
  if (artifact.kind !== 'llm-version' || versionOf(artifact) !== version) {
    throw new LedgerError('INTEGRITY', `artifact ${files[0]} does not describe ${version}`, 'Restore the artifact directory from a backup.');
  }
  return artifact;
}
