import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, spawnNode } from './crash-harness';

const dir = mkdtempSync(join(tmpdir(), 'nas-bad-'));
async function cli(args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawnNode(CLI, args);
  const code = await child.exited;
  return { code, output: child.output() };
}

describe('the loop refuses bad input clearly', () => {
  it('a bad config: exit 2 with every problem listed', async () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, JSON.stringify({ cycles: -1, colour: 'red', novelty: { permutations: 2 }, generator: 'gpt5', bus: 'amqp://x' }));
    const { code, output } = await cli(['run', '--config', path]);
    assert.equal(code, 2, output);
    for (const key of ['cycles', 'colour', 'novelty.permutations', 'generator', 'bus']) assert.match(output, new RegExp(key.replace('.', '\\.')));
    assert.match(output, /5 problems/);
  });

  it('an unreachable store: UNAVAILABLE quickly, not a hang', async () => {
    const started = Date.now();
    const { code, output } = await cli(['run', '--generator', 'sim', '--store', 'postgres://nobody@127.0.0.1:1/none']);
    assert.equal(code, 9, output);
    assert.match(output, /UNAVAILABLE/);
    assert.ok(Date.now() - started < 30_000);
  });

  it('an unreachable Kafka: UNAVAILABLE at start-up', async () => {
    const { code, output } = await cli(['run', '--generator', 'sim', '--store', join(dir, 'l1'), '--bus', 'kafka://127.0.0.1:1', '--agents', '0']);
    assert.equal(code, 9, output);
    assert.match(output, /cannot reach Kafka/);
  });

  it('resume: unknown experiment is NOT_FOUND; a finished one is REFUSED', async () => {
    const store = join(dir, 'l2');
    const unknown = await cli(['resume', 'no-such-experiment', '--store', store]);
    assert.equal(unknown.code, 3, unknown.output);
    const run = await cli(['run', '--generator', 'sim', '--cycles', '1', '--candidates', '3', '--store', store, '--id', 'done-once']);
    assert.equal(run.code, 0, run.output);
    const again = await cli(['resume', 'done-once', '--store', store]);
    assert.equal(again.code, 5, again.output);
    assert.match(again.output, /already completed/);
  });

  it('the in-process bus with no local agents is refused', async () => {
    const { code, output } = await cli(['run', '--generator', 'sim', '--store', join(dir, 'l3'), '--agents', '0']);
    assert.equal(code, 2, output);
    assert.match(output, /needs agents in this process/);
  });
});
