import { existsSync, readdirSync } from 'node:fs';
import type { CorpusEntry, DecodingParameters, GeneratorRef } from '../../domain/experiment/events';
import { contentHash } from '../../domain/shared/canonical-json';
import { LedgerError } from '../../domain/shared/ledger-error';
import { PAPER_DECODING, type ChatMessage } from '../../domain/generators/prompt';
import { approximateTokens } from '../../domain/generators/extract';
import { ArtifactStore } from '../../src/ledger/artifact-store';
import { chatRequests, resolveAnswer, type ChatAnswer } from './chat-programs';
import type { FineTuneResult, GeneratedProgram, GenerationContext, Generator } from './generator.port';
import { LocalLlmGenerator } from './llm.generator';

export interface OpenAiOptions {
  /** `openai:<base url>[#model]`; the model may also come from NAS_LEDGER_OPENAI_MODEL. */
  readonly spec: string;
  readonly artifacts: ArtifactStore;
  readonly version?: string;
  readonly decoding?: DecodingParameters;
  /** Default: NAS_LEDGER_OPENAI_API_KEY, then OPENAI_API_KEY; none sends no Authorization header. */
  readonly apiKey?: string;
  /** Per request (default 120 s, or NAS_LEDGER_OPENAI_TIMEOUT_MS). */
  readonly timeoutMs?: number;
  /** Attempts per request in all (default 4). */
  readonly attempts?: number;
  /** First back-off delay; doubles per retry (default 500 ms). */
  readonly backoffMs?: number;
  /** Send top_k (vLLM, llama.cpp, Ollama accept it; the OpenAI service does not). Default true. */
  readonly sendTopK?: boolean;
  /** Local copy of the served base model: lets fineTune train a LoRA adapter and load it into a vLLM server. */
  readonly loraBaseModelPath?: string;
  readonly dataset?: string;
  readonly parameterBudget?: number;
}

interface OpenAiVersionArtifact {
  readonly kind: 'openai-version';
  readonly baseUrl: string;
  /** The model name requests use: the base model, or the LoRA adapter the server loaded. */
  readonly model: string;
  readonly adapter: string | null;
}

const versionOf = (a: OpenAiVersionArtifact): string => `openai-${contentHash(a).slice(0, 16)}`;

export function parseOpenAiSpec(spec: string): { baseUrl: string; model: string } {
  const rest = spec.slice('openai:'.length);
  const [url, fragment] = rest.split('#', 2) as [string, string | undefined];
  const model = fragment ?? process.env.NAS_LEDGER_OPENAI_MODEL;
  let parsed: URL;
  try { parsed = new URL(url); } catch {
    throw new LedgerError('BAD_INPUT', `"${url}" is not a URL`, 'Write openai:http://host:port/v1#model-name.');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new LedgerError('BAD_INPUT', `unsupported scheme ${parsed.protocol}`, 'Use an http or https base URL.');
  if (!model) throw new LedgerError('BAD_INPUT', `no model name for ${url}`, 'Append #model-name to the spec, or set NAS_LEDGER_OPENAI_MODEL.');
  return { baseUrl: url.replace(/\/+$/, ''), model };
}

/** `<base>/chat/completions` when the base already ends in /v1 (the usual way to write it), else `<base>/v1/...`. */
const endpoint = (baseUrl: string, path: string): string => (/\/v1$/.test(baseUrl) ? `${baseUrl}/${path}` : `${baseUrl}/v1/${path}`);

/**
 * An OpenAI-compatible `/v1/chat/completions` endpoint (vLLM, Ollama, llama.cpp, hosted services) as a generator.
 * Each candidate is one request with the paper's decoding and its own seed; transient failures (unreachable,
 * timeouts, 429, 5xx, malformed JSON) are retried with exponential back-off, then surface as a typed LedgerError.
 */
export class OpenAiGenerator implements Generator {
  readonly ref: GeneratorRef;

  private constructor(private readonly options: OpenAiOptions, private readonly version: OpenAiVersionArtifact) {
    this.ref = { id: `openai:${version.baseUrl}#${parseOpenAiSpec(options.spec).model}`, version: versionOf(version) };
  }

  static open(options: OpenAiOptions): OpenAiGenerator {
    const { baseUrl, model } = parseOpenAiSpec(options.spec);
    if (options.version === undefined) {
      const initial: OpenAiVersionArtifact = { kind: 'openai-version', baseUrl, model, adapter: null };
      options.artifacts.putJson(initial);
      return new OpenAiGenerator(options, initial);
    }
    return new OpenAiGenerator(options, findVersion(options.artifacts, options.version));
  }

  private get decoding(): DecodingParameters {
    return this.options.decoding ?? PAPER_DECODING;
  }

  async generate(n: number, seed: number, context: GenerationContext): Promise<GeneratedProgram[]> {
    const requests = chatRequests(n, seed, context);
    const out: GeneratedProgram[] = [];
    for (const [index, request] of requests.entries()) {
      const answer = await this.complete(request.messages, seed + index);
      out.push(resolveAnswer(index, request, answer, this.ref, this.decoding, context));
    }
    return out;
  }

  async complete(messages: readonly ChatMessage[], seed: number): Promise<ChatAnswer> {
    const d = this.decoding;
    const body = {
      model: this.version.model, messages, temperature: d.temperature, top_p: d.topP, max_tokens: d.maxNewTokens, n: 1, seed,
      ...(this.options.sendTopK === false ? {} : { top_k: d.topK }),
    };
    return this.post('chat/completions', body, (json) => {
      const text = (json as { choices?: { message?: { content?: unknown } }[] } | null)?.choices?.[0]?.message?.content;
      if (typeof text !== 'string') throw new MalformedResponse('the response has no choices[0].message.content string');
      const usage = (json as { usage?: { completion_tokens?: unknown } }).usage?.completion_tokens;
      return { text, outputTokens: typeof usage === 'number' ? usage : approximateTokens(text) };
    });
  }

  /** POST with retries; every failure that survives the retries is a LedgerError naming the server and the kind. */
  private async post<T>(path: string, body: unknown, read: (json: unknown) => T, expectJson = true): Promise<T> {
    const url = endpoint(this.version.baseUrl, path);
    const attempts = this.options.attempts ?? 4;
    const timeoutMs = this.options.timeoutMs ?? (Number(process.env.NAS_LEDGER_OPENAI_TIMEOUT_MS) || 120_000);
    const apiKey = this.options.apiKey ?? process.env.NAS_LEDGER_OPENAI_API_KEY ?? process.env.OPENAI_API_KEY;
    let last: LedgerError | null = null;
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      if (attempt > 1) await new Promise((r) => setTimeout(r, (this.options.backoffMs ?? 500) * 2 ** (attempt - 2)));
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST', body: JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs),
          headers: { 'content-type': 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
        });
      } catch (error) {
        const timedOut = (error as Error).name === 'TimeoutError' || (error as Error).name === 'AbortError';
        last = timedOut
          ? new LedgerError('TIMEOUT', `${url} did not answer within ${timeoutMs} ms (${attempt} attempt(s))`, 'Raise NAS_LEDGER_OPENAI_TIMEOUT_MS or check the server load.', { kind: 'timeout', url })
          : new LedgerError('UNAVAILABLE', `cannot reach ${url}: ${causeOf(error)} (${attempt} attempt(s))`, 'Check that the server is running and the base URL is right.', { kind: 'unreachable', url });
        continue;
      }
      const text = await response.text().catch(() => '');
      if (response.status === 429 || response.status >= 500) {
        last = new LedgerError('UNAVAILABLE', `${url} answered ${response.status} (${attempt} attempt(s)): ${text.slice(0, 200)}`, 'The server is overloaded or failing; retry later.', { kind: `http-${response.status}`, url });
        continue;
      }
      if (response.status >= 400) {
        const auth = response.status === 401 || response.status === 403;
        throw new LedgerError('REFUSED', `${url} refused the request with ${response.status}: ${text.slice(0, 300)}`,
          auth ? 'Set NAS_LEDGER_OPENAI_API_KEY (or OPENAI_API_KEY) to a valid key.' : 'Check the model name and that the server accepts these parameters (top_k: sendTopK false).',
          { kind: `http-${response.status}`, url });
      }
      if (!expectJson) return read(text);
      let json: unknown;
      try {
        json = JSON.parse(text) as unknown;
      } catch {
        last = new LedgerError('UNAVAILABLE', `${url} answered with malformed JSON (${attempt} attempt(s)): ${text.slice(0, 120)}`, 'The server is not an OpenAI-compatible endpoint, or it is failing.', { kind: 'malformed', url });
        continue;
      }
      try {
        return read(json);
      } catch (error) {
        if (!(error instanceof MalformedResponse)) throw error;
        last = new LedgerError('UNAVAILABLE', `${url}: ${error.message} (${attempt} attempt(s))`, error.hint, { kind: 'malformed', url });
      }
    }
    throw last!;
  }

  /**
   * The LoRA path on this agent, then (vLLM) the adapter is loaded into the server under a content-derived name
   * and becomes the model of the next version. Needs a local copy of the served base model.
   */
  async fineTune(corpusVersion: number, entries: readonly CorpusEntry[]): Promise<FineTuneResult> {
    const base = this.options.loraBaseModelPath ?? process.env.NAS_LEDGER_OPENAI_LORA_BASE;
    if (!base) {
      throw new LedgerError('UNSUPPORTED', `the endpoint ${this.version.baseUrl} cannot be fine-tuned from here without the base model's weights`,
        'Set NAS_LEDGER_OPENAI_LORA_BASE to a local copy of the served model (vLLM started with --enable-lora), or run with the noIteration ablation.');
    }
    const llm = LocalLlmGenerator.open({
      modelPath: base, artifacts: this.options.artifacts, dataset: this.options.dataset, parameterBudget: this.options.parameterBudget,
    });
    const tuned = await llm.fineTune(corpusVersion, entries);
    const loraName = `nas-ledger-${tuned.adapterHash.slice(0, 16)}`;
    try {
      await this.post('load_lora_adapter', { lora_name: loraName, lora_path: this.options.artifacts.directory(tuned.adapterHash) }, () => null, false);
    } catch (error) {
      if (error instanceof LedgerError && /answered 404|refused the request with 404/.test(error.message)) {
        throw new LedgerError('UNSUPPORTED', `${this.version.baseUrl} cannot load LoRA adapters (no /v1/load_lora_adapter)`, 'Serve the model with vLLM --enable-lora and VLLM_ALLOW_RUNTIME_LORA_UPDATING=1.');
      }
      throw error;
    }
    const next: OpenAiVersionArtifact = { kind: 'openai-version', baseUrl: this.version.baseUrl, model: loraName, adapter: tuned.adapterHash };
    this.options.artifacts.putJson(next);
    return { ...tuned, to: { id: this.ref.id, version: versionOf(next) } };
  }
}

class MalformedResponse extends LedgerError {
  constructor(message: string) {
    super('UNAVAILABLE', message, 'The server is not an OpenAI-compatible endpoint.', { kind: 'malformed' });
  }
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

function findVersion(artifacts: ArtifactStore, version: string): OpenAiVersionArtifact {
  const m = /^openai-([0-9a-f]{16})$/.exec(version);
  if (!m) throw new LedgerError('BAD_INPUT', `"${version}" is not an OpenAI-endpoint generator version`, 'A version looks like openai-<16 hex digits>.');
  const files = existsSync(artifacts.dir) ? readdirSync(artifacts.dir).filter((f) => f.startsWith(m[1]!) && f.endsWith('.json')) : [];
  if (files.length === 0) throw new LedgerError('NOT_FOUND', `no version file for ${version} in ${artifacts.dir}`, 'Point NAS_LEDGER_ARTIFACTS at the experiment\'s artifact directory.');
  const artifact = artifacts.getJson<OpenAiVersionArtifact>(files[0]!.slice(0, -'.json'.length));
  if (artifact.kind !== 'openai-version' || versionOf(artifact) !== version) throw new LedgerError('INTEGRITY', `artifact ${files[0]} does not describe ${version}`, 'Restore the artifact directory.');
  return artifact;
}
