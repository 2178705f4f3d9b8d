/**
 * Multi-seed groups on the sim backend, through the CLI as a user runs it: replicate --seeds, stats --group checked
 * against the three experiments' own `stats --json`, the novelty-threshold sweep (a lower τ admits fewer; turned-away
 * counts against `candidates --json`), theory on a recorded experiment, and the typed errors of bad input.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli-child';

const store = join(mkdtempSync(join(tmpdir(), 'nas-groups-')), 'ledger');
const json = async <T>(args: readonly string[]): Promise<T> => {
  const run = await runCli([...args, '--store', store, '--json']);
  assert.equal(run.code, 0, `${args.join(' ')}: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
};

interface StatsRow { cycle: number; [metric: string]: unknown }
interface AcrossSeeds { mean: number | null; ci: [number, number] | null; n: number; values: (number | null)[] }
interface GroupRow { variant: string; cycle: number; experimentIds: string[]; metrics: Record<string, AcrossSeeds> }
interface SweepRow { tau: number; admitted: AcrossSeeds; runs: { experimentId: string; turnedAway: unknown[]; admitted: number }[] }
interface CandidateRow { accuracy: number | null; notAdmittedReason: string | null; admitted: boolean }

// scipy.stats.t.ppf(0.975, 2): three seeds
const T_975_DF2 = 4.302652729911275;

describe('multi-seed groups on the sim backend', () => {
  let runs: { seed: number; experimentId: string }[] = [];

  it('replicate --seeds 1,2,3 records three runs of one group, and stats --group matches a hand computation from their own stats', async () => {
    const replicate = await json<{ groupId: string; runs: typeof runs }>(['replicate', '--seeds', '1,2,3', '--generator', 'sim', '--cycles', '3', '--candidates', '12', '--group-id', 'g-rep']);
    runs = replicate.runs;
    assert.deepEqual(runs.map((r) => r.seed), [1, 2, 3]);
    // One at a time: each reader opens the embedded store.
    const own: StatsRow[][] = [];
    for (const run of runs) own.push(await json<StatsRow[]>(['stats', run.experimentId]));
    const group = await json<{ cycles: GroupRow[] }>(['stats', '--group', 'g-rep']);
    assert.equal(group.cycles.length, 3);
    for (const row of group.cycles) {
      assert.deepEqual(row.experimentIds, runs.map((r) => r.experimentId));
      for (const metric of ['validRate', 'meanAccuracy', 'eliteConcentration', 'admitted']) {
        const values = own.map((rows) => rows.find((r) => r.cycle === row.cycle)![metric] as number);
        const mean = (values[0]! + values[1]! + values[2]!) / 3;
        const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / 2);
        const half = T_975_DF2 * sd / Math.sqrt(3);
        const got = row.metrics[metric]!;
        assert.deepEqual(got.values, values, `cycle ${row.cycle} ${metric}`);
        assert.ok(Math.abs(got.mean! - mean) < 1e-12, `cycle ${row.cycle} ${metric} mean ${got.mean} vs ${mean}`);
        assert.ok(Math.abs(got.ci![0] - (mean - half)) < 1e-9 && Math.abs(got.ci![1] - (mean + half)) < 1e-9, `cycle ${row.cycle} ${metric} ci ${JSON.stringify(got.ci)}`);
      }
    }
  });

  it('export cycle-data writes the paper\'s cycle_data.csv columns with the numbers of stats', async () => {
    const csv = await runCli(['export', 'cycle-data', runs[0]!.experimentId, '--store', store]);
    assert.equal(csv.code, 0, csv.stderr);
    const [header, ...lines] = csv.stdout.trim().split('\n');
    assert.equal(header, 'experiment,cycle,elite_concentration,mean_quality,valid_rate,generated,valid,admitted,threshold');
    const own = await json<StatsRow[]>(['stats', runs[0]!.experimentId]);
    assert.equal(lines.length, own.length);
    for (const [i, line] of lines.entries()) {
      const cells = line.split(',');
      assert.deepEqual(cells.slice(1, 5).map(Number), [own[i]!.cycle, own[i]!.eliteConcentration, own[i]!.meanAccuracy, own[i]!.validRate]);
    }
  });

  it('theory on a recorded experiment gives one row per prediction, Thm 8 waiting for a proxy study', async () => {
    const theory = await json<{ rows: { result: string; verdict: string; experimentIds: string[] }[] }>(['theory', runs[0]!.experimentId]);
    assert.deepEqual(theory.rows.map((r) => r.result), ['Thm 2', 'Thm 3', 'Thm 5', 'Thm 7', 'Thm 8']);
    assert.equal(theory.rows[4]!.verdict, 'not enough data');
    assert.ok(theory.rows.every((r) => r.experimentIds.includes(runs[0]!.experimentId)));
    const group = await json<{ target: { experimentIds: string[] } }>(['theory', '--group', 'g-rep']);
    assert.equal(group.target.experimentIds.length, 3);
  });

  it('the novelty-threshold sweep admits fewer at a lower τ, and its turned-away counts are the candidates --json rows', async () => {
    const sweep = await json<{ rows: SweepRow[] }>(['ablate', '--novelty-thresholds', '0.80,0.95', '--seeds', '1,2', '--generator', 'sim', '--cycles', '4',
      '--candidates', '20', '--group-id', 'g-sweep']);
    const [low, high] = sweep.rows;
    assert.deepEqual([low!.tau, high!.tau], [0.8, 0.95]);
    assert.ok(low!.admitted.mean! < high!.admitted.mean!, `admitted at τ 0.80: ${low!.admitted.mean}, at 0.95: ${high!.admitted.mean}`);
    for (const run of [...low!.runs, ...high!.runs]) {
      const candidates = await json<CandidateRow[]>(['candidates', run.experimentId]);
      // sim's accuracy threshold (DEFAULT_THRESHOLDS.sim)
      const turnedAway = candidates.filter((c) => (c.notAdmittedReason === 'near_duplicate' || c.notAdmittedReason === 'structural_duplicate') && c.accuracy! >= 0.6);
      assert.equal(run.turnedAway.length, turnedAway.length, run.experimentId);
      assert.equal(run.admitted, candidates.filter((c) => c.admitted).length, run.experimentId);
    }
    assert.ok(low!.runs.some((r) => r.turnedAway.length > 0), 'τ = 0.80 turns some good candidates away');
  });

  it('refuses bad input with typed errors', async () => {
    const fail = async (args: readonly string[], code: number, message: RegExp) => {
      const run = await runCli([...args, '--store', store]);
      assert.equal(run.code, code, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
    };
    await fail(['replicate', '--seeds', '1,2,1', '--generator', 'sim'], 2, /--seeds repeats 1/);
    await fail(['stats', '--group', 'no-such-group'], 3, /no experiment group "no-such-group"/);
    await fail(['theory', '--group', 'no-such-group'], 3, /no experiment group "no-such-group"/);
    await fail(['ablate', '--novelty-thresholds', '0.9,1.5', '--generator', 'sim'], 2, /--novelty-thresholds must lie in \(0, 1\], got "1.5"/);
    await fail(['ablate', '--novelty-thresholds', '0,0.9', '--generator', 'sim'], 2, /must lie in \(0, 1\]/);
    const sweep = await json<{ target: { experimentIds: string[] } }>(['theory', '--group', 'g-sweep']);
    // the replicate ran 3 x 12 at τ 0.90, the sweep's first runs 4 x 20 at τ 0.80: the message names those keys
    await fail(['theory', runs[0]!.experimentId, '--against', sweep.target.experimentIds[0]!], 2,
      /different config from .*candidatesPerCycle \(12 vs 20\), cycles \(3 vs 4\).*novelty\.nearDuplicateTau \(0\.9 vs 0\.8\)/);
  });

});
