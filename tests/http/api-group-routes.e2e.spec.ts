/**
 * The group routes of `nas-ledger serve` (group stats, the novelty sweep, theory of an experiment and of a group with
 * ?against=) against the CLI's --json on the same store, and their 400/404 JSON errors without stack traces.
 * The ledger is real and small: `replicate --generator sim` twice (full code and --delta, seeds 1 and 2, 2 cycles x 6)
 * and `ablate --novelty-thresholds 0.8,0.95` on the same seeds, and a small `ablate --seeds` group (1 cycle x 4).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cliComparedLedger } from './serve-fixture';
import { assertJsonError } from './api-reply';

const ledger = cliComparedLedger('nas-api-groups-');
const { api, cli, sameAsCli } = ledger;
const SMALL = ['--seeds', '1,2', '--generator', 'sim', '--cycles', '2', '--candidates', '6'];
let runs: { seed: number; experimentId: string }[] = [];
/** What `ablate --novelty-thresholds --json` printed: the sweep read back at the head it left. */
let sweep: Record<string, unknown>;

before(async () => {
  runs = (await cli<{ runs: typeof runs }>('replicate', ...SMALL, '--group-id', 'g-rep')).runs;
  await cli('replicate', ...SMALL, '--delta', '--group-id', 'g-delta');
  await cli('ablate', '--seeds', '1,2', '--generator', 'sim', '--cycles', '1', '--candidates', '4', '--group-id', 'g-ablate');
  // Last: the sweep it prints is read at the head it leaves, which the server's head must still be.
  sweep = await cli('ablate', '--novelty-thresholds', '0.8,0.95', ...SMALL, '--group-id', 'g-sweep');
  await ledger.serve();
});

after(() => ledger.remove());

describe('GET /api/groups/:id/stats', () => {
  it('equals `stats --group --json` at the head and as of cycle 1, one row per cycle over both seeds', async () => {
    const head = await sameAsCli('/api/groups/g-rep/stats', 'stats', '--group', 'g-rep');
    const rows = head.cycles as { cycle: number; experimentIds: string[] }[];
    assert.deepEqual(rows.map((r) => r.cycle), [1, 2]);
    assert.ok(rows.every((r) => r.experimentIds.join() === runs.map((x) => x.experimentId).join()));
    const first = await sameAsCli('/api/groups/g-rep/stats?asOfCycle=1', 'stats', '--group', 'g-rep', '--as-of-cycle', '1');
    // A group's cycle 1 is where every run has completed it: the runs were sequential, so seed 1 was already past it.
    type Row = { cycle: number; metrics: Record<string, { n: number; values: (number | null)[] }> };
    const admittedAt = (rows: Row[]) => rows.map((r) => [r.cycle, r.metrics.admitted!.n, r.metrics.admitted!.values[1] === null]);
    assert.ok((first.position as number) < (head.position as number));
    assert.deepEqual(admittedAt(first.cycles as Row[]), [[1, 2, false], [2, 1, true]], 'seed 2 had not completed cycle 2');
    assert.deepEqual(admittedAt(head.cycles as Row[]), [[1, 2, false], [2, 2, false]]);
  });
});

describe('GET /api/groups/:id/novelty-sweep', () => {
  it('equals what `ablate --novelty-thresholds --json` printed, one row per τ', async () => {
    const reply = await api('/api/groups/g-sweep/novelty-sweep');
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual(reply.body, sweep);
    assert.deepEqual((reply.body.rows as { tau: number }[]).map((r) => r.tau), [0.8, 0.95]);
  });
});

describe('GET /api/groups/:id/novelty-sweep of a group that is not a sweep answered a row instead of refusing', () => {
  const groups = [['g-rep', /"g-rep" is a replicate group/], ['g-ablate', /"g-ablate" is an ablation group \(ablate --seeds\)/]] as const;
  for (const [group, kind] of groups) {
    it(`400 BAD_INPUT for ${group}, the hint naming \`stats --group ${group}\` and its stats route`, async () => {
      const reply = await api(`/api/groups/${group}/novelty-sweep`);
      assertJsonError(reply, 400, /not a novelty-threshold sweep/);
      assert.match(String(reply.body.message), kind);
      assert.match(String(reply.body.hint), new RegExp(`\`nas-ledger stats --group ${group}\``));
      assert.match(String(reply.body.hint), new RegExp(`/api/groups/${group}/stats`));
    });
  }
});

describe('GET /api/experiments/:id/theory and /api/groups/:id/theory', () => {
  it('equal `theory --json` for a run, for the group, and for the group ?against= its --delta twin', async () => {
    await sameAsCli(`/api/experiments/${runs[0]!.experimentId}/theory`, 'theory', runs[0]!.experimentId);
    const group = await sameAsCli('/api/groups/g-rep/theory', 'theory', '--group', 'g-rep');
    assert.equal((group.target as { experimentIds: string[] }).experimentIds.length, 2);
    const against = await sameAsCli('/api/groups/g-rep/theory?against=g-delta', 'theory', '--group', 'g-rep', '--against', 'g-delta');
    assert.equal((against.against as { id: string }).id, 'g-delta');
  });
});

describe('group routes: bad input is a JSON error with the LedgerError status, never a stack trace', () => {
  const cases: ReadonlyArray<readonly [string, number, RegExp]> = [
    ['/api/groups/no-such-group/stats', 404, /no experiment group "no-such-group"/],
    ['/api/groups/no-such-group/novelty-sweep', 404, /no experiment group "no-such-group"/],
    ['/api/groups/no-such-group/theory', 404, /no experiment group "no-such-group"/],
    ['/api/groups/g-rep/theory?against=no-such-group', 404, /--against "no-such-group" is neither an experiment nor a group/],
    ['/api/groups/g-rep/stats?asOfCycle=9', 404, /cycle 9 of experiment .* has not completed/],
    ['/api/groups/g-rep/stats?asOfPosition=999999', 404, /beyond the head/],
    // Before its first run a sweep answered 200 with no rows, where group stats said the group had no run yet.
    ['/api/groups/g-sweep/novelty-sweep?asOfPosition=1', 404, /group "g-sweep" has no run registered by position 1/],
    ['/api/groups/g-rep/theory?against=g-sweep', 400, /--against g-sweep has a different config from g-rep/],
    ['/api/groups/g-rep/stats?asOfCycle=abc', 400, /asOfCycle must be a whole number/],
    ['/api/groups/g-sweep/novelty-sweep?asOfTime=yesterday', 400, /asOfTime must be an ISO-8601 timestamp/],
    ['/api/groups/g-rep/theory?asOfCycle=1&asOfTime=2026-01-01T00:00:00Z', 400, /at most one as-of parameter/],
    ['/api/groups/g-rep/stats?cycle=1', 400, /property cycle should not exist/],
  ];
  for (const [path, status, message] of cases) {
    it(`${status} for ${path}`, async () => assertJsonError(await api(path), status, message));
  }
});
