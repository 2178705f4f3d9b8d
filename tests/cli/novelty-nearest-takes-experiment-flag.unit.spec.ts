/**
 * Issue 15: `novelty nearest` took `--experiment` where every other command takes the experiment positionally.
 * Both are accepted now; giving it both ways, or not at all, is a clear BAD_INPUT.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { LedgerError } from '../../domain/shared/ledger-error';
import { experimentAndFile, register } from '../../src/cli/commands/novelty.command';

const badInput = (e: unknown) => e instanceof LedgerError && e.code === 'BAD_INPUT';

describe('novelty nearest takes --experiment where every other command takes the experiment positionally', () => {
  it('nearest <experiment> <file>, like stats <experiment>', () => {
    assert.deepEqual(experimentAndFile('exp-1', 'net.py', undefined), { experiment: 'exp-1', file: 'net.py' });
  });

  it('nearest <file> --experiment <id>, as before', () => {
    assert.deepEqual(experimentAndFile('net.py', undefined, 'exp-1'), { experiment: 'exp-1', file: 'net.py' });
  });

  it('both at once, or no experiment, is BAD_INPUT saying how to call it', () => {
    assert.throws(() => experimentAndFile('exp-1', 'net.py', 'exp-2'), (e) => badInput(e) && /given twice/.test((e as Error).message));
    assert.throws(() => experimentAndFile('net.py', undefined, undefined), (e) => badInput(e) && /nearest <experiment> <file>/.test((e as LedgerError).hint ?? ''));
  });

  it('the command no longer requires --experiment', () => {
    const program = new Command();
    register(program);
    const nearest = program.commands.find((c) => c.name() === 'novelty')?.commands.find((c) => c.name() === 'nearest');
    assert.ok(nearest);
    assert.equal(nearest.options.find((o) => o.long === '--experiment')?.mandatory, false);
    assert.equal(nearest.registeredArguments.length, 2);
  });
});
