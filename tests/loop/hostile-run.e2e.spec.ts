import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { openEventStore } from '../../src/ledger/open-event-store';
import { llmPython } from '../../gpu-agent/python/python-job';
import { repoRoot } from '../../src/shared/repo-root';
import type { RecordedEvent } from '../../domain/shared/event-envelope';
import { seedCorpusCompletion, startOpenAiCompatibleServer, type OpenAiFixture } from '../fixtures/openai-compatible-server';
import { HOSTILE } from '../gpu-agent/hostile-programs';
import { CLI, spawnNode } from './crash-harness';

/**
 * Issue 12 through the whole loop: `nas-ledger run` with the OpenAI-compatible fixture serving hostile programs as
 * generated code. The ledger's CandidateEvaluated / CandidateRejected events must hold no forged accuracy, the real
 * parameter count and capped, clean reasons. A tiny subset and one cycle keep it quick.
 */
const PICKED = [
  'writes a forged result line to every fd (os.write)',
  'monkeypatches torch.Tensor.argmax',
  'a 16.8M-parameter model overriding parameters(), named_parameters() and state_dict()',
  'hides 16.8M trainable parameters in a plain list attribute',
  'puts terminal escapes and 50,000 characters into its reason',
];
const programs = PICKED.map((name) => HOSTILE.find((h) => h.name === name)!);

describe('nas-ledger run records honest numbers for hostile generated programs', () => {
  const dir = mkdtempSync(join('/var/tmp', 'nas-ledger-hostile-run-'));
  const store = join(dir, 'ledger');
  let server: OpenAiFixture;
  let events: RecordedEvent[] = [];

  before(async () => {
    // cycle 1 always fine-tunes the generator: an OpenAI-compatible one needs a local copy of the served model's
    // weights for its LoRA adapter, so the fixture "serves" the repository's tiny model (its answers are ours)
    const setup = spawnSync('bash', [join(repoRoot(), 'scripts', 'setup-llm-venv.sh')], { encoding: 'utf8', timeout: 300_000 });
    assert.equal(setup.status, 0, setup.stderr);
    const build = spawnSync(llmPython(), [join(repoRoot(), 'gpu-agent', 'generators', 'build_tiny_llm.py'), join(dir, 'model')], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(build.status, 0, build.stderr);
    server = await startOpenAiCompatibleServer(seedCorpusCompletion(programs.map((p) => p.code)), { apiKey: 'k-test', loraSupport: true });
    const child = spawnNode(CLI, ['run', '--generator', `openai:${server.baseUrl}#coder`, '--cycles', '1', '--candidates', String(programs.length * 2),
      '--dataset', 'fashion-mnist', '--subset', '64', '--val-subset', '64', '--device', 'cpu', '--store', store, '--id', 'hostile', '--agents', '1', '--concurrency', '1', '--no-iteration'],
    { NAS_LEDGER_OPENAI_API_KEY: 'k-test', NAS_LEDGER_CACHE: join(dir, 'cache'), NAS_LEDGER_OPENAI_LORA_BASE: join(dir, 'model') });
    const code = await child.exited;
    assert.equal(code, 0, child.output().slice(-3000));
    const ledger = await openEventStore(store);
    try {
      events = await ledger.readAll();
    } finally {
      await ledger.close();
    }
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records every candidate with the runner\'s numbers: no forged accuracy, real params, capped clean reasons', () => {
    const generated = new Map<string, string>();
    for (const e of events) if (e.type === 'CandidateGenerated') generated.set((e.data as { candidateId: string }).candidateId, (e.data as { code: string }).code);
    const verdicts = events.filter((e) => e.type === 'CandidateEvaluated' || e.type === 'CandidateRejected');
    assert.ok(verdicts.length >= programs.length, `only ${verdicts.length} verdicts`);
    const seen = new Set<string>();
    for (const v of verdicts) {
      const data = v.data as { candidateId: string; accuracy?: number; params: number | null; reason?: string; stage?: string; measurement?: { by: string } };
      const code = generated.get(data.candidateId) ?? '';
      const hostile = programs.find((p) => code.trim() === p.code.trim()) ?? programs.find((p) => code.includes(p.code.trim()));
      assert.ok(hostile, `candidate ${data.candidateId} is not one of the served programs`);
      seen.add(hostile.name);
      const what = `${hostile.name}: ${v.type} ${data.stage ?? ''} ${data.reason ?? ''}`;
      if (v.type === 'CandidateEvaluated') {
        assert.notEqual(data.accuracy, 0.99, what);
        assert.ok((data.accuracy ?? 1) < 0.5, what);
        assert.equal(data.params, 5226, what);
        assert.equal(data.measurement?.by, 'runner-v1', what);
        assert.equal(hostile.honest, 'same-as-good', what);
      } else {
        assert.ok((data.reason ?? '').length <= 400, `${what}: reason of ${(data.reason ?? '').length} characters`);
        assert.doesNotMatch(data.reason ?? '', /[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/, what);
        if (hostile.honest === 'real-params') {
          assert.equal(data.stage, 'budget', what);
          assert.equal(data.params, hostile.realParams, what);
        }
      }
    }
    assert.ok(seen.size >= 3, `only ${seen.size} distinct hostile programs reached the ledger: ${[...seen].join('; ')}`);
  });
});
