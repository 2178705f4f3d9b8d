import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { initialTheta, sampleDecisions } from '../../domain/generators/grammar';
import { planArchitecture } from '../../domain/generators/grammar-plan';
import { analysePlan } from '../../domain/generators/grammar-analysis';
import { renderProgram } from '../../domain/generators/grammar-render';
import { seededRng } from '../../domain/generators/rng';
import { repoRoot } from '../../src/shared/repo-root';

describe('the grammar against real PyTorch', () => {
  it('renders programs that fail exactly where its static analysis says, with the same parameter counts', () => {
    const rng = seededRng(2024);
    const theta = initialTheta();
    const items: string[] = [];
    const expected = new Map<number, { stage: string; params: number }>();
    for (let id = 0; id < 80; id += 1) {
      const decisions = sampleDecisions(theta, rng);
      const shape: [number, number, number] = id % 2 === 0 ? [1, 28, 28] : [3, 32, 32];
      const verdict = analysePlan(planArchitecture(decisions), { inShape: shape, classes: 10, parameterBudget: 500_000 });
      expected.set(id, { stage: verdict.failure?.stage ?? 'ok', params: verdict.params });
      items.push(JSON.stringify({ id, code: renderProgram(decisions), shape }));
    }
    const run = spawnSync('/usr/bin/python3', [join(repoRoot(), 'gpu-agent', 'generators', 'probe_programs.py')], { input: items.join('\n') + '\n', encoding: 'utf8', timeout: 180_000 });
    assert.equal(run.status, 0, run.stderr);
    const results = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: number; stage: string; params: number | null; reason: string | null });
    assert.equal(results.length, 80);
    const stages = new Set<string>();
    for (const r of results) {
      const e = expected.get(r.id)!;
      stages.add(r.stage);
      assert.equal(r.stage, e.stage, `program ${r.id}: PyTorch says ${r.stage} (${r.reason}), analysis says ${e.stage}`);
      if (r.params !== null) assert.equal(r.params, e.params, `program ${r.id}: parameter count`);
    }
    assert.ok(stages.has('ok') && stages.has('budget') && stages.size >= 3, `too little variety: ${[...stages].join(', ')}`);
  });
});
