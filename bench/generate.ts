/**
 * npm run bench:generate — generator speed and output size (figures go to docs/generators.md).
 *   grammar: programs/s, mean output tokens, delta diff length vs full length, CE fine-tune time per 1k entries,
 *            static valid rate before/after CE updates, near-duplicate rate among its programs (novelty shingles);
 *   llm (tiny random Llama, CPU here; only when .cache/llm-venv exists, skip with BENCH_LLM=0): programs/s,
 *            output tokens, LoRA fine-tune time per 1k entries (extrapolated from a small corpus).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_NOVELTY } from '../domain/experiment/config';
import type { CorpusEntry } from '../domain/experiment/events';
import { sha256Hex } from '../domain/shared/canonical-json';
import { TextSigner } from '../domain/novelty/text-signature';
import { exactJaccard } from '../domain/novelty/shingles';
import { initialTheta, sampleDecisions, type GrammarTheta } from '../domain/generators/grammar';
import { planArchitecture } from '../domain/generators/grammar-plan';
import { analysePlan } from '../domain/generators/grammar-analysis';
import { ceUpdate } from '../domain/generators/ce-update';
import { seededRng } from '../domain/generators/rng';
import { approximateTokens } from '../domain/generators/extract';
import { ArtifactStore } from '../src/ledger/artifact-store';
import { GrammarGenerator } from '../gpu-agent/generators/grammar.generator';
import { LocalLlmGenerator } from '../gpu-agent/generators/llm.generator';
import { loadSeedCorpus } from '../gpu-agent/generators/seed-corpus';
import { llmPython } from '../gpu-agent/python/python-job';
import { repoRoot } from '../src/shared/repo-root';
import type { GenerationContext } from '../gpu-agent/generators/generator.port';

const CONTEXT: GenerationContext = { dataset: 'fashion-mnist', parameterBudget: 500_000, delta: false, corpus: [] };
const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / Math.max(xs.length, 1);
const ms = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;

async function grammar(dir: string): Promise<void> {
  const artifacts = new ArtifactStore(join(dir, 'grammar'));
  const g = GrammarGenerator.open({ artifacts });
  const n = 2000;
  let t = process.hrtime.bigint();
  const full = await g.generate(n, 1, CONTEXT);
  const fullMs = ms(t);
  console.log(`grammar  full mode     ${(n / (fullMs / 1000)).toFixed(0)} programs/s, mean output ${mean(full.map((p) => p.outputTokens)).toFixed(0)} tokens (${mean(full.map((p) => p.code.length)).toFixed(0)} chars)`);

  const corpus: CorpusEntry[] = full.slice(0, 200).map((p, i) => ({ entryId: `c${i}`, name: `c${i}`, code: p.code, codeHash: p.codeHash, accuracy: 0.8 }));
  t = process.hrtime.bigint();
  const delta = await g.generate(n, 2, { ...CONTEXT, delta: true, corpus });
  const deltaMs = ms(t);
  const diffTokens = delta.map((p) => p.outputTokens);
  const childTokens = delta.map((p) => approximateTokens(p.code));
  const diffChars = delta.map((p) => p.parent!.diff.length);
  console.log(`grammar  delta mode    ${(n / (deltaMs / 1000)).toFixed(0)} programs/s, mean diff ${mean(diffTokens).toFixed(0)} tokens (${mean(diffChars).toFixed(0)} chars) vs full ${mean(childTokens).toFixed(0)} tokens: ` +
    `diff/full ${(mean(diffTokens) / mean(childTokens)).toFixed(2)}`);

  const entries: CorpusEntry[] = full.slice(0, 1000).map((p, i) => ({ entryId: `e${i}`, name: `e${i}`, code: p.code, codeHash: sha256Hex(p.code), accuracy: 0.8 }));
  const reps = 5;
  t = process.hrtime.bigint();
  for (let r = 0; r < reps; r += 1) await g.fineTune(1000, entries);
  console.log(`grammar  fine-tune     ${(ms(t) / reps).toFixed(1)} ms per 1k corpus entries (CE update, header parsing and θ artifact write)`);

  const validRate = (theta: GrammarTheta, seed: number): number => {
    const rng = seededRng(seed);
    let ok = 0;
    for (let i = 0; i < 2000; i += 1) {
      const plan = planArchitecture(sampleDecisions(theta, rng));
      if (analysePlan(plan, { inShape: [1, 28, 28], classes: 10, parameterBudget: 500_000 }).failure === null) ok += 1;
    }
    return ok / 2000;
  };
  let theta = initialTheta();
  const rates = [validRate(theta, 9)];
  for (let round = 0; round < 5; round += 1) {
    const rng = seededRng(100 + round);
    const elites = Array.from({ length: 100 }, () => sampleDecisions(theta, rng))
      .filter((d) => analysePlan(planArchitecture(d), { inShape: [1, 28, 28], classes: 10, parameterBudget: 500_000 }).failure === null).slice(0, 25);
    theta = ceUpdate(theta, elites).theta;
    rates.push(validRate(theta, 9));
  }
  console.log(`grammar  static valid rate on Fashion-MNIST over 5 CE updates on 25 valid programs each: ${rates.map((r) => (100 * r).toFixed(1) + '%').join(' -> ')}`);

  const signer = new TextSigner(DEFAULT_NOVELTY);
  const sets = full.slice(0, 150).map((p) => signer.shingles(signer.tokenTexts(p.code)));
  let pairs = 0;
  let dups = 0;
  for (let i = 0; i < sets.length; i += 1) {
    for (let j = i + 1; j < sets.length; j += 1) { pairs += 1; if (exactJaccard(sets[i]!, sets[j]!) > DEFAULT_NOVELTY.nearDuplicateTau) dups += 1; }
  }
  console.log(`grammar  near-duplicate pairs (exact shingle Jaccard > ${DEFAULT_NOVELTY.nearDuplicateTau}) among 150 programs: ${dups}/${pairs} (${(100 * dups / pairs).toFixed(2)}%)`);
}

async function llm(dir: string): Promise<void> {
  if (process.env.BENCH_LLM === '0') { console.log('llm      skipped (BENCH_LLM=0)'); return; }
  const python = llmPython();
  if (!python.includes('llm-venv') && !process.env.NAS_LEDGER_LLM_PYTHON) { console.log('llm      skipped: run scripts/setup-llm-venv.sh first'); return; }
  const model = join(dir, 'tiny');
  const build = spawnSync(python, [join(repoRoot(), 'gpu-agent', 'generators', 'build_tiny_llm.py'), model], { encoding: 'utf8' });
  if (build.status !== 0) { console.log(`llm      skipped: cannot build the tiny model: ${build.stderr.slice(-300)}`); return; }
  const decoding = { temperature: 0.2, topK: 50, topP: 0.9, maxNewTokens: 256 };
  const g = LocalLlmGenerator.open({ modelPath: model, artifacts: new ArtifactStore(join(dir, 'llm')), decoding, device: 'auto' });
  const n = 4;
  let t = process.hrtime.bigint();
  const out = await g.generate(n, 1, CONTEXT);
  const genMs = ms(t);
  const tokens = out.map((p) => p.outputTokens);
  console.log(`llm      tiny model    ${(n / (genMs / 1000)).toFixed(2)} programs/s incl. model load (${(tokens.reduce((s, x) => s + x, 0) / (genMs / 1000)).toFixed(0)} tokens/s), mean output ${mean(tokens).toFixed(0)} tokens (max ${decoding.maxNewTokens})`);
  const corpus = loadSeedCorpus().slice(0, 8);
  t = process.hrtime.bigint();
  await g.fineTune(corpus.length, corpus);
  const ftMs = ms(t);
  console.log(`llm      tiny model    LoRA fine-tune ${(ftMs / 1000).toFixed(1)} s for ${corpus.length} entries x 5 epochs -> ~${(ftMs / corpus.length).toFixed(0)} s per 1k entries (extrapolated, incl. load)`);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-generate-'));
  try {
    console.log(`bench:generate  node ${process.version}, ${process.platform}/${process.arch}`);
    await grammar(dir);
    await llm(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
