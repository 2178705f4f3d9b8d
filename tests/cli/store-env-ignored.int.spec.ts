import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { freshDir, ledgerState, runCliIn } from './cli-in-dir';

/**
 * Issue 12: `run` ignored NAS_LEDGER_STORE and wrote to ./.nas-ledger. Every command that touches the ledger runs
 * in a fresh working directory with only NAS_LEDGER_STORE set: nothing may appear in ./.nas-ledger, and every
 * command must see what the others wrote to the store the variable names.
 */
describe('run ignores NAS_LEDGER_STORE and writes to ./.nas-ledger', () => {
  const cwd = freshDir('nas-env-cwd-');
  const storeDir = join(freshDir('nas-env-store-'), 'ledger');
  const env = { NAS_LEDGER_STORE: storeDir, NAS_LEDGER_ARTIFACTS: '' };
  const noLocalStore = () => assert.equal(existsSync(join(cwd, '.nas-ledger')), false, `./.nas-ledger was created in ${cwd}`);
  after(() => { rmSync(cwd, { recursive: true, force: true }); rmSync(storeDir, { recursive: true, force: true }); });

  let experimentId = '';

  it('run records into $NAS_LEDGER_STORE, not ./.nas-ledger', async () => {
    const run = await runCliIn(cwd, ['run', '--generator', 'sim', '--cycles', '1', '--candidates', '3', '--id', 'env-run', '--json'], env);
    assert.equal(run.code, 0, run.output);
    noLocalStore();
    experimentId = (JSON.parse(run.stdout) as { experimentId: string }).experimentId;
    assert.deepEqual((await ledgerState(storeDir)).experiments, [experimentId]);
  });

  it('the query commands read $NAS_LEDGER_STORE', async () => {
    const experiments = await runCliIn(cwd, ['experiments', '--json'], env);
    assert.equal(experiments.code, 0, experiments.output);
    assert.match(experiments.stdout, /env-run/);
    const stats = await runCliIn(cwd, ['stats', experimentId, '--json'], env);
    assert.equal(stats.code, 0, stats.output);
    const candidates = await runCliIn(cwd, ['candidates', experimentId, '--json'], env);
    assert.equal(candidates.code, 0, candidates.output);
    const candidateId = /"candidateId":\s*"([^"]+)"/.exec(candidates.stdout)?.[1];
    assert.ok(candidateId, candidates.stdout);
    const provenance = await runCliIn(cwd, ['provenance', candidateId, '--json'], env);
    assert.equal(provenance.code, 0, provenance.output);
    const verify = await runCliIn(cwd, ['events', 'verify'], env);
    assert.equal(verify.code, 0, verify.output);
    noLocalStore();
  });

  it('resume finds the experiment in $NAS_LEDGER_STORE (finished: REFUSED, not NOT_FOUND)', async () => {
    const resume = await runCliIn(cwd, ['resume', experimentId], env);
    assert.equal(resume.code, 5, resume.output);
    noLocalStore();
  });

  it('novelty nearest reads the corpus from $NAS_LEDGER_STORE', async () => {
    const program = join(cwd, 'p.py');
    writeFileSync(program, 'import torch\nclass Net(torch.nn.Module):\n    pass\n');
    const nearest = await runCliIn(cwd, ['novelty', 'nearest', program, '--experiment', experimentId, '--json'], env);
    assert.equal(nearest.code, 0, nearest.output);
    noLocalStore();
  });

  it('ablate records its four runs into $NAS_LEDGER_STORE', async () => {
    const ablate = await runCliIn(cwd, ['ablate', '--generator', 'sim', '--cycles', '1', '--candidates', '2', '--json'], env, 300_000);
    assert.equal(ablate.code, 0, ablate.output);
    noLocalStore();
    assert.equal((await ledgerState(storeDir)).experiments.length, 5);
  });

  it('generate keeps its artifacts beside $NAS_LEDGER_STORE', async () => {
    const out = join(cwd, 'programs');
    const generate = await runCliIn(cwd, ['generate', '--generator', 'grammar', '--n', '1', '--out', out], env);
    assert.equal(generate.code, 0, generate.output);
    noLocalStore();
    assert.ok(readdirSync(join(storeDir, 'artifacts')).length > 0, 'no generator artifact beside the store');
  });

  it('a config file that names a store still yields to --store and NAS_LEDGER_STORE', async () => {
    const config = join(cwd, 'c.json');
    writeFileSync(config, JSON.stringify({ store: '.nas-ledger', generator: 'sim', cycles: 1, candidatesPerCycle: 2 }));
    const run = await runCliIn(cwd, ['run', '--config', config, '--id', 'env-config', '--json'], env);
    assert.equal(run.code, 0, run.output);
    noLocalStore();
    assert.ok((await ledgerState(storeDir)).experiments.some((id) => id === 'env-config'));
  });
});
