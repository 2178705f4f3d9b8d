import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEventStore } from '../../src/ledger/open-event-store';
import { repoRoot } from '../../src/shared/repo-root';
import { assertCompleteAndConsistent, experimentEvents } from './loop-assertions';
import { CLI, spawnNode } from './crash-harness';

/**
 * The `make run` path in a shortened config (configs/smoke.json: 2 cycles x 4 candidates, 512 Fashion-MNIST
 * images): the CLI process with the embedded PGlite store, the in-process bus, the grammar generator and the real
 * sandboxed PyTorch CPU runner. Checks the ledger, not the printed numbers.
 */
describe('nas-ledger run, grammar generator + CPU runner on a Fashion-MNIST subset', () => {
  it('completes 2 cycles x 4 candidates with real evaluations recorded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nas-real-'));
    const store = join(dir, 'ledger');
    const plot = join(dir, 'run.svg');
    const child = spawnNode(CLI, ['run', '--config', join(repoRoot(), 'configs', 'smoke.json'), '--store', store, '--val-subset', '500', '--id', 'smoke-e2e', '--json', '--plot', plot]);
    const code = await Promise.race([child.exited, new Promise<'timeout'>((r) => { setTimeout(() => r('timeout'), 400_000).unref(); })]);
    if (code === 'timeout') { child.process.kill('SIGKILL'); assert.fail(`run did not finish:\n${child.output()}`); }
    assert.equal(code, 0, child.output());
    assert.match(child.output(), /"experimentId": "smoke-e2e"/);
    const validRateLine = /data-label="valid rate" points="([^"]+)"/.exec(readFileSync(plot, 'utf8'));
    assert.equal(validRateLine?.[1]?.split(' ').length, 2, 'make run\'s plot has one point per cycle');
    const ledger = await openEventStore(store);
    try {
      const events = await experimentEvents(ledger, 'smoke-e2e');
      const { evaluated } = assertCompleteAndConsistent(events, 2, 4);
      assert.ok(evaluated > 0, 'at least one generated program trained');
      for (const e of events.filter((x) => x.type === 'CandidateEvaluated')) {
        const d = e.data as { device: string; dataset: { id: string }; accuracy: number; libraries: Record<string, string> };
        assert.equal(d.dataset.id.startsWith('fashion-mnist'), true);
        assert.equal(d.device, 'cpu');
        assert.ok(d.accuracy >= 0 && d.accuracy <= 1);
        assert.ok(Object.keys(d.libraries).some((k) => k.includes('torch')), 'library versions recorded');
      }
      assert.equal(events.filter((e) => e.type === 'GeneratorFineTuned').length, 2, 'the grammar generator was fine-tuned each cycle');
    } finally {
      await ledger.close();
    }
  });
});
