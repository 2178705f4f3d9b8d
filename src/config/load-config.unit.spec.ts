import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LedgerError } from '../../domain/shared/ledger-error';
import { DEFAULT_CONFIG } from '../../domain/experiment/config';
import { loadExperimentConfig } from './load-config';

const dir = mkdtempSync(join(tmpdir(), 'nas-config-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('loadExperimentConfig', () => {
  it('defaults, then the file, then the flags; threshold follows the dataset', () => {
    const path = file('a.yaml', 'cycles: 3\ndataset: mnist\nnovelty:\n  nearDuplicateTau: 0.8\nablations: { noNovelty: true }\n');
    const config = loadExperimentConfig({ file: path, overrides: { cycles: 5 } });
    assert.equal(config.cycles, 5);
    assert.equal(config.dataset, 'mnist');
    assert.equal(config.threshold, 0.95);
    assert.equal(config.novelty.nearDuplicateTau, 0.8);
    assert.equal(config.novelty.permutations, DEFAULT_CONFIG.novelty.permutations);
    assert.deepEqual(config.ablations, { noNovelty: true, noThreshold: false, noIteration: false });
  });

  it('the compute budget is the default experiment\'s; another dataset or subset has none unless it sets one', () => {
    assert.equal(loadExperimentConfig().flopsBudget, DEFAULT_CONFIG.flopsBudget);
    assert.ok(DEFAULT_CONFIG.flopsBudget !== null && DEFAULT_CONFIG.flopsBudget > 0);
    assert.equal(loadExperimentConfig({ overrides: { dataset: 'mnist' } }).flopsBudget, null);
    assert.equal(loadExperimentConfig({ overrides: { subset: 512 } }).flopsBudget, null);
    assert.equal(loadExperimentConfig({ overrides: { dataset: 'cifar10', flopsBudget: 5_000_000 } }).flopsBudget, 5_000_000);
    assert.equal(loadExperimentConfig({ overrides: { flopsBudget: null } }).flopsBudget, null);
    assert.throws(() => loadExperimentConfig({ overrides: { flopsBudget: 12 } }),
      (e: unknown) => e instanceof LedgerError && e.code === 'BAD_INPUT' && /flopsBudget/.test(e.message));
  });

  it('the sim generator brings the sim dataset and protocol', () => {
    const config = loadExperimentConfig({ overrides: { generator: 'sim' } });
    assert.equal(config.dataset, 'sim');
    assert.equal(config.protocol, 'sim');
    assert.equal(config.threshold, 0.6);
  });

  it('lists every problem at once: unknown keys, out-of-range values, bad specs', () => {
    const path = file('bad.json', JSON.stringify({
      cycles: 0, candidatesPerCycle: 'many', colour: 'blue', threshold: 1.5, bus: 'rabbit://x',
      novelty: { permutations: 3, extra: 1 }, ablations: { noNovelty: 'yes' }, generator: 'gpt',
    }));
    let caught: unknown;
    try { loadExperimentConfig({ file: path }); } catch (error) { caught = error; }
    assert.ok(caught instanceof LedgerError);
    assert.equal(caught.code, 'BAD_INPUT');
    const problems = (caught.details?.problems as string[]).join('\n');
    for (const key of ['cycles', 'candidatesPerCycle', 'colour: unknown key', 'threshold', 'bus', 'novelty.permutations',
      'novelty.extra: unknown key', 'ablations.noNovelty', 'generator']) {
      assert.match(problems, new RegExp(key.replace('.', '\\.')), `problem about ${key} listed`);
    }
    assert.ok((caught.details?.problems as string[]).length >= 9);
  });

  it('refuses a missing or malformed file with a clear error', () => {
    assert.throws(() => loadExperimentConfig({ file: join(dir, 'nope.json') }), (e: unknown) => e instanceof LedgerError && e.code === 'NOT_FOUND');
    const path = file('broken.json', '{ cycles: ');
    assert.throws(() => loadExperimentConfig({ file: path }), (e: unknown) => e instanceof LedgerError && e.code === 'BAD_INPUT');
  });
});
