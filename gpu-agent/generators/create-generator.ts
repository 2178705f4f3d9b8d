import type { GeneratorRef } from '../../domain/experiment/events';
import { LedgerError } from '../../domain/shared/ledger-error';
import { ArtifactStore } from '../../src/ledger/artifact-store';
import type { Generator } from './generator.port';
import { GrammarGenerator } from './grammar.generator';
import { LocalLlmGenerator } from './llm.generator';
import { OpenAiGenerator } from './openai.generator';

export interface CreateGeneratorOptions {
  /** Where versions live (`artifactDirFor(store)`). */
  readonly artifactDir: string;
  /** The version to load; default: the generator's initial version. */
  readonly version?: string;
  /** Python for the local LLM (default: .cache/llm-venv/bin/python if present, else python3). */
  readonly python?: string;
  /** Device for the local LLM: cpu | cuda | auto. */
  readonly device?: string;
  /** The experiment's dataset and budget: the prompt context of LLM fine-tuning pairs. */
  readonly dataset?: string;
  readonly parameterBudget?: number;
  /** Decoding temperature of the grammar's initial version (a loaded version carries its own); default the grammar's. */
  readonly grammarTemperature?: number;
}

/** `grammar` | `llm:<local model path>` | `openai:<base url>[#model]` | `sim`. */
export async function createGenerator(spec: string, options: CreateGeneratorOptions): Promise<Generator> {
  const artifacts = new ArtifactStore(options.artifactDir);
  if (spec === 'grammar') return GrammarGenerator.open({ artifacts, version: options.version, temperature: options.grammarTemperature });
  if (spec.startsWith('llm:')) {
    return LocalLlmGenerator.open({
      modelPath: spec.slice('llm:'.length), artifacts, version: options.version, python: options.python, device: options.device,
      dataset: options.dataset, parameterBudget: options.parameterBudget,
    });
  }
  if (spec.startsWith('openai:')) {
    return OpenAiGenerator.open({ spec, artifacts, version: options.version, dataset: options.dataset, parameterBudget: options.parameterBudget });
  }
  if (spec === 'sim') {
    throw new LedgerError('UNSUPPORTED', 'the sim generator is not a standalone generator: it runs as an agent job handler inside the loop',
      'Run an experiment with generator "sim" (nas-ledger run); it is served by src/simulation/sim-backends.ts.');
  }
  throw new LedgerError('BAD_INPUT', `unknown generator "${spec}"`, 'Use grammar, llm:<local model path>, openai:<base url>[#model] or sim.');
}

/** The version a new experiment starts from (what CycleStarted of cycle 1 names); writes its artifact. */
export async function initialGeneratorRef(spec: string, options: Omit<CreateGeneratorOptions, 'version'>): Promise<GeneratorRef> {
  const generator = await createGenerator(spec, options);
  await generator.close?.();
  return generator.ref;
}
