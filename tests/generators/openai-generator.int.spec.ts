import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArtifactStore } from '../../src/ledger/artifact-store';
import { OpenAiGenerator, type OpenAiOptions } from '../../gpu-agent/generators/openai.generator';
import { createGenerator } from '../../gpu-agent/generators/create-generator';
import { loadSeedCorpus } from '../../gpu-agent/generators/seed-corpus';
import { llmPython } from '../../gpu-agent/python/python-job';
import type { GenerationContext } from '../../gpu-agent/generators/generator.port';
import { LedgerError } from '../../domain/shared/ledger-error';
import { repoRoot } from '../../src/shared/repo-root';
import { seedCorpusCompletion, startOpenAiCompatibleServer, tinyModelCompletion, type OpenAiFixture } from '../fixtures/openai-compatible-server';

const CONTEXT: GenerationContext = { dataset: 'cifar10', parameterBudget: 500_000, delta: false, corpus: [] };
const ledgerError = (code: string, kind?: string) => (e: unknown) =>
  e instanceof LedgerError && e.code === code && (kind === undefined || (e.details as { kind?: string } | undefined)?.kind === kind);

describe('the OpenAI-compatible generator against FakeOpenAiServer (deterministic seed-corpus answers)', () => {
  const seeds = loadSeedCorpus();
  let server: OpenAiFixture;
  let dir = '';
  const open = (extra: Partial<OpenAiOptions> = {}) =>
    OpenAiGenerator.open({ spec: `openai:${server.baseUrl}#coder`, artifacts: new ArtifactStore(dir), backoffMs: 1, apiKey: 'k-test', ...extra });
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'openai-gen-'));
    server = await startOpenAiCompatibleServer(seedCorpusCompletion(seeds.map((s) => s.code)), { apiKey: 'k-test' });
  });
  after(async () => { await server.close(); rmSync(dir, { recursive: true, force: true }); });

  it('sends the paper decoding with a seed per candidate and extracts the program from prose and fences', async () => {
    server.requests.length = 0;
    const programs = await open().generate(3, 10, CONTEXT);
    assert.deepEqual(programs.map((p) => p.failure), [null, null, null]);
    assert.deepEqual(programs.map((p) => p.code), [10, 11, 12].map((s) => seeds[s % seeds.length]!.code));
    const r = server.requests[0]!;
    assert.deepEqual([r.model, r.temperature, r.top_p, r.top_k, r.max_tokens, r.seed], ['coder', 0.2, 0.9, 50, 2048, 10]);
    assert.match(r.messages[1]!.content, /\(N, 3, 32, 32\)/);
    assert.ok(programs[0]!.outputTokens > 0);
    assert.match(programs[0]!.generator.version, /^openai-[0-9a-f]{16}$/);
  });

  it('records a delta answer that holds no diff as a parse rejection', async () => {
    const programs = await open().generate(1, 1, { ...CONTEXT, delta: true, corpus: seeds.slice(0, 2) });
    assert.equal(programs[0]!.failure?.stage, 'parse');
    assert.match(programs[0]!.parent!.entryId, /^seed:/);
  });

  it('retries 500, 429, malformed JSON and missing choices, then succeeds', async () => {
    server.faults = ['http-500', 'malformed-json', 'http-429'];
    assert.equal((await open().generate(1, 0, CONTEXT))[0]!.failure, null);
    server.faults = ['no-choices'];
    assert.equal((await open().generate(1, 0, CONTEXT))[0]!.failure, null);
    assert.deepEqual(server.faults, []);
  });

  it('gives up after its attempts with a typed failure', async () => {
    server.faults = ['http-500', 'http-500', 'http-500'];
    await assert.rejects(open({ attempts: 3 }).generate(1, 0, CONTEXT), ledgerError('UNAVAILABLE', 'http-500'));
    server.faults = ['malformed-json', 'malformed-json'];
    await assert.rejects(open({ attempts: 2 }).generate(1, 0, CONTEXT), ledgerError('UNAVAILABLE', 'malformed'));
  });

  it('does not retry a 4xx, and says what to do about a bad key', async () => {
    server.faults = ['http-400', 'http-500'];
    await assert.rejects(open().generate(1, 0, CONTEXT), ledgerError('REFUSED', 'http-400'));
    assert.deepEqual(server.faults, ['http-500'], 'the 400 was not retried');
    server.faults = [];
    await assert.rejects(open({ apiKey: 'wrong' }).generate(1, 0, CONTEXT), (e: unknown) => ledgerError('REFUSED', 'http-401')(e) && /API_KEY/.test((e as LedgerError).hint ?? ''));
  });

  it('times out a hanging server', async () => {
    server.faults = ['hang'];
    await assert.rejects(open({ attempts: 1, timeoutMs: 300 }).generate(1, 0, CONTEXT), ledgerError('TIMEOUT', 'timeout'));
  });

  it('reports an unreachable server', async () => {
    const port = await new Promise<number>((resolve) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); }); });
    const g = OpenAiGenerator.open({ spec: `openai:http://127.0.0.1:${port}/v1#coder`, artifacts: new ArtifactStore(dir), backoffMs: 1, attempts: 2 });
    await assert.rejects(g.generate(1, 0, CONTEXT), ledgerError('UNAVAILABLE', 'unreachable'));
  });

  it('refuses to fine-tune without the served model\'s weights, and createGenerator validates the spec', async () => {
    await assert.rejects(open().fineTune(3, seeds.slice(0, 3)), ledgerError('UNSUPPORTED'));
    await assert.rejects(createGenerator('openai:not a url#m', { artifactDir: dir }), ledgerError('BAD_INPUT'));
    const saved = process.env.NAS_LEDGER_OPENAI_MODEL;
    delete process.env.NAS_LEDGER_OPENAI_MODEL;
    try {
      await assert.rejects(createGenerator(`openai:${server.baseUrl}`, { artifactDir: dir }), (e: unknown) => ledgerError('BAD_INPUT')(e) && /#model-name/.test((e as LedgerError).hint ?? ''));
    } finally {
      if (saved !== undefined) process.env.NAS_LEDGER_OPENAI_MODEL = saved;
    }
  });
});

describe('the OpenAI-compatible generator against the fixture server over the tiny model', () => {
  let dir = '';
  let server: OpenAiFixture;
  before(async () => {
    const setup = spawnSync('bash', [join(repoRoot(), 'scripts', 'setup-llm-venv.sh')], { encoding: 'utf8', timeout: 300_000 });
    assert.equal(setup.status, 0, setup.stderr);
    dir = mkdtempSync(join(tmpdir(), 'openai-tiny-'));
    const build = spawnSync(llmPython(), [join(repoRoot(), 'gpu-agent', 'generators', 'build_tiny_llm.py'), join(dir, 'model')], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(build.status, 0, build.stderr);
    server = await startOpenAiCompatibleServer(tinyModelCompletion(join(dir, 'model'), llmPython()));
  });
  after(async () => { await server.close(); rmSync(dir, { recursive: true, force: true }); });

  it('round-trips real model output through the endpoint, reproducibly under a seed', async () => {
    const open = () => OpenAiGenerator.open({ spec: `openai:${server.baseUrl}#tiny`, artifacts: new ArtifactStore(join(dir, 'a')), decoding: { temperature: 0.2, topK: 50, topP: 0.9, maxNewTokens: 32 } });
    const [a] = await open().generate(1, 5, CONTEXT);
    const [b] = await open().generate(1, 5, CONTEXT);
    assert.ok(a!.outputTokens > 0 && a!.outputTokens <= 32);
    assert.equal(a!.failure?.stage, 'parse', 'a random model writes no program');
    assert.equal(a!.code, b!.code);
  });
});
