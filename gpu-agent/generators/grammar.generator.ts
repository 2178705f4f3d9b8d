import { existsSync, readdirSync } from 'node:fs';
import type { CorpusEntry, DecodingParameters, GeneratorRef } from '../../domain/experiment/events';
import { contentHash, sha256Hex } from '../../domain/shared/canonical-json';
import { LedgerError } from '../../domain/shared/ledger-error';
import {
  checkGrammarTemperature, DEFAULT_GRAMMAR_TEMPERATURE, EARLIER_DEFAULT_GRAMMAR_TEMPERATURES, initialTheta, sampleDecisions, temperedTheta,
  thetaArtifact, thetaVersion,
  type GrammarDecisions, type GrammarTheta, type GrammarThetaArtifact,
} from '../../domain/generators/grammar';
import { renderProgram, readDecisionsHeader } from '../../domain/generators/grammar-render';
import { mutateDecisions } from '../../domain/generators/grammar-mutation';
import { ceUpdate, DEFAULT_CE_UPDATE, type CeUpdateOptions } from '../../domain/generators/ce-update';
import { createUnifiedDiff, applyUnifiedDiff } from '../../domain/generators/unified-diff';
import { approximateTokens } from '../../domain/generators/extract';
import { deriveSeed, seededRng, type Rng } from '../../domain/generators/rng';
import { ArtifactStore } from '../../src/ledger/artifact-store';
import type { FineTuneResult, GeneratedProgram, GenerationContext, Generator } from './generator.port';

/** The grammar's decoding: a temperature (part of its version), no truncation. Recorded so every candidate names its decoding. */
export function grammarDecoding(temperature: number): DecodingParameters {
  return { temperature, topK: 0, topP: 1, maxNewTokens: 0 };
}
export const GRAMMAR_TEMPLATE = 'nas-ledger-grammar-v1';

export interface GrammarGeneratorOptions {
  readonly artifacts: ArtifactStore;
  /** A version from an earlier fine-tune (its temperature comes with it); default: the initial θ. */
  readonly version?: string;
  /** Decoding temperature of a new (initial) version; default DEFAULT_GRAMMAR_TEMPERATURE. A loaded version keeps its own. */
  readonly temperature?: number;
  readonly ceUpdate?: CeUpdateOptions;
}

/**
 * The built-in generator: a probabilistic grammar over CNN programs whose parameters θ are categorical
 * distributions, and whose fine-tune is the Cross-Entropy update on the admitted corpus (seed 000's view of
 * LoRA fine-tuning, with a different parametric family). Seeded and deterministic.
 */
export class GrammarGenerator implements Generator {
  readonly ref: GeneratorRef;

  /** θ as the sampler sees it: sharpened by 1/temperature. */
  private readonly sampling: GrammarTheta;

  private constructor(
    private readonly theta: GrammarTheta, readonly temperature: number, private readonly artifacts: ArtifactStore, private readonly ce: CeUpdateOptions,
  ) {
    this.ref = { id: 'grammar', version: thetaVersion(theta, temperature) };
    this.sampling = temperedTheta(theta, temperature);
  }

  static open(options: GrammarGeneratorOptions): GrammarGenerator {
    const ce = options.ceUpdate ?? DEFAULT_CE_UPDATE;
    if (options.version === undefined) {
      const temperature = checkGrammarTemperature(options.temperature ?? DEFAULT_GRAMMAR_TEMPERATURE, 'temperature');
      const artifact = thetaArtifact(initialTheta(), temperature);
      options.artifacts.putJson(artifact);
      return new GrammarGenerator(artifact.theta, temperature, options.artifacts, ce);
    }
    const loaded = loadTheta(options.artifacts, options.version);
    return new GrammarGenerator(loaded.theta, loaded.temperature, options.artifacts, ce);
  }

  get parameters(): GrammarTheta {
    return this.theta;
  }

  async generate(n: number, seed: number, context: GenerationContext): Promise<GeneratedProgram[]> {
    const promptHash = contentHash({ template: GRAMMAR_TEMPLATE, delta: context.delta, dataset: context.dataset, parameterBudget: context.parameterBudget });
    const parents = context.delta ? grammarParents(context.corpus) : [];
    const out: GeneratedProgram[] = [];
    for (let index = 0; index < n; index += 1) {
      const rng = seededRng(deriveSeed(seed, 'grammar', this.ref.version, index));
      const base = { index, promptHash, decoding: grammarDecoding(this.temperature), generator: this.ref, failure: null };
      if (parents.length > 0) {
        const parent = parents[rng.int(parents.length)]!;
        const childCode = this.mutateUntilChanged(parent, rng);
        const diff = createUnifiedDiff(parent.entry.code, childCode);
        // Resolve through the same strict applier LLM diffs go through.
        const code = applyUnifiedDiff(parent.entry.code, diff);
        out.push({ ...base, code, codeHash: sha256Hex(code), outputTokens: approximateTokens(diff), parent: { entryId: parent.entry.entryId, diff } });
      } else {
        const code = renderProgram(sampleDecisions(this.sampling, rng));
        out.push({ ...base, code, codeHash: sha256Hex(code), outputTokens: approximateTokens(code), parent: null });
      }
    }
    return out;
  }

  private mutateUntilChanged(parent: GrammarParent, rng: Rng): string {
    for (let attempt = 0; attempt < 8; attempt += 1) {
      const code = renderProgram(mutateDecisions(parent.decisions, this.sampling, rng));
      if (code !== parent.entry.code) return code;
    }
    return renderProgram(mutateDecisions(parent.decisions, this.sampling, rng, 4));
  }

  /** The CE update on the programs of the corpus the grammar wrote (their header carries the decisions). */
  async fineTune(_corpusVersion: number, entries: readonly CorpusEntry[]): Promise<FineTuneResult> {
    const started = process.hrtime.bigint();
    const elites = entries.map((e) => readDecisionsHeader(e.code)).filter((d): d is GrammarDecisions => d !== null);
    const result = ceUpdate(this.theta, elites, this.ce);
    // The CE update moves θ; the decoding temperature is carried on to the new version unchanged.
    const artifact = thetaArtifact(result.theta, this.temperature);
    const adapterHash = this.artifacts.putJson(artifact);
    return {
      to: { id: 'grammar', version: thetaVersion(artifact.theta, this.temperature) },
      adapterHash,
      loss: result.nll,
      durationMs: Number(process.hrtime.bigint() - started) / 1e6,
      used: result.used,
    };
  }
}

interface GrammarParent { readonly entry: CorpusEntry; readonly decisions: GrammarDecisions }

function grammarParents(corpus: readonly CorpusEntry[]): GrammarParent[] {
  const out: GrammarParent[] = [];
  for (const entry of corpus) {
    const decisions = readDecisionsHeader(entry.code);
    // Only programs the grammar itself rendered can be mutated at the decision level (a hand-edited one would not re-render).
    if (decisions !== null && renderProgram(decisions) === entry.code) out.push({ entry, decisions });
  }
  return out;
}

/** θ and its decoding temperature (1 for versions written before temperatures existed). */
export function loadTheta(artifacts: ArtifactStore, version: string): { theta: GrammarTheta; temperature: number } {
  const m = /^grammar-([0-9a-f]{16})$/.exec(version);
  if (!m) throw new LedgerError('BAD_INPUT', `"${version}" is not a grammar generator version`, 'A grammar version looks like grammar-<16 hex digits>, as printed by a fine-tune.');
  const prefix = m[1]!;
  const files = existsSync(artifacts.dir) ? readdirSync(artifacts.dir).filter((f) => f.startsWith(prefix) && f.endsWith('.json')) : [];
  if (files.length === 0) {
    for (const temperature of [1, DEFAULT_GRAMMAR_TEMPERATURE, ...EARLIER_DEFAULT_GRAMMAR_TEMPERATURES]) {
      const initial = thetaArtifact(initialTheta(), temperature);
      if (thetaVersion(initial.theta, temperature) === version) return { theta: initial.theta, temperature };
    }
    throw new LedgerError('NOT_FOUND', `no parameters for ${version} in ${artifacts.dir}`,
      'Point NAS_LEDGER_ARTIFACTS (or the store path) at the artifact directory of the experiment that produced this version.');
  }
  const artifact = artifacts.getJson<GrammarThetaArtifact>(files[0]!.slice(0, -'.json'.length));
  const temperature = artifact.temperature ?? 1;
  if (artifact.kind !== 'grammar-theta' || thetaVersion(artifact.theta, temperature) !== version) {
    throw new LedgerError('INTEGRITY', `artifact ${files[0]} does not hold the parameters of ${version}`, 'Restore the artifact directory from a backup.');
  }
  return { theta: artifact.theta, temperature };
}
