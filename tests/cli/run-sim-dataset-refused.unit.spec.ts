/**
 * Issue 15: `run --generator sim --dataset sim` was refused (naming the sim dataset switched off the alignment that
 * `--generator sim` alone gets, so the protocol stayed `fast`); and `ablate` had no `--protocol`.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { LedgerError } from '../../domain/shared/ledger-error';
import { loadExperimentConfig } from '../../src/config/load-config';
import { register as registerAblate } from '../../src/cli/commands/ablate.command';

describe('run --generator sim --dataset sim is refused', () => {
  it('is accepted, with the sim protocol, no subset and the sim threshold, as --generator sim alone', () => {
    // flopsBudget aside: the sim evaluator ignores it, and `--generator sim` alone keeps the default experiment's
    // (changing that would change the config hash of every sim experiment recorded so far).
    const { flopsBudget: _a, ...alone } = loadExperimentConfig({ overrides: { generator: 'sim' } });
    const { flopsBudget: _b, ...both } = loadExperimentConfig({ overrides: { generator: 'sim', dataset: 'sim' } });
    assert.deepEqual(both, alone);
    assert.equal(both.protocol, 'sim');
    assert.equal(both.subset, null);
  });

  it('--dataset sim alone brings the sim generator and protocol; --protocol sim alone brings the rest', () => {
    const dataset = loadExperimentConfig({ overrides: { dataset: 'sim' } });
    assert.equal(dataset.generator, 'sim');
    assert.equal(dataset.protocol, 'sim');
    const protocol = loadExperimentConfig({ overrides: { protocol: 'sim' } });
    assert.equal(protocol.dataset, 'sim');
    assert.equal(protocol.generator, 'sim');
  });

  it('an explicit mismatch is still refused', () => {
    assert.throws(() => loadExperimentConfig({ overrides: { generator: 'sim', dataset: 'mnist' } }), (e) => e instanceof LedgerError && e.code === 'BAD_INPUT');
    assert.throws(() => loadExperimentConfig({ overrides: { generator: 'sim', protocol: 'fast' } }), (e) => e instanceof LedgerError && e.code === 'BAD_INPUT');
  });

  it('ablate takes --protocol like run', () => {
    const program = new Command();
    registerAblate(program);
    const ablate = program.commands.find((c) => c.name() === 'ablate');
    assert.ok(ablate?.options.some((o) => o.long === '--protocol'), 'ablate has no --protocol');
  });
});
