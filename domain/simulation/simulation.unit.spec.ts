import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GENOME_LENGTH, COMPONENT_COUNT, diversityOf, genomeToProgram, programToGenome, noveltyOf } from './genome';
import { createLandscape, fitnessOf, isValid, simulatedAccuracy, violations } from './landscape';
import { generateGenomes, learnedAfter, randomGenome, repair } from './generator';
import { mutationRate } from './schedules';
import { createRng } from './rng';
import { detectPhases, runTrial, type CycleMetrics } from './study';

describe('simulation model (seed 003)', () => {
  it('genomes round-trip through their pseudo-Python programs', () => {
    const rng = createRng(1);
    for (let i = 0; i < 20; i++) {
      const g = randomGenome(rng);
      assert.equal(g.length, GENOME_LENGTH);
      assert.deepEqual(programToGenome(genomeToProgram(g)), g);
    }
    assert.equal(programToGenome('import torch\nclass Net: pass'), null);
  });

  it('validity: about a third of random genomes are valid; repair with learned=1 removes most violations', () => {
    const world = createLandscape(3);
    const rng = createRng(4);
    const genomes = Array.from({ length: 2000 }, () => randomGenome(rng));
    const valid = genomes.filter((g) => isValid(world, g)).length / genomes.length;
    assert.ok(valid > 0.25 && valid < 0.5, `random validity ${valid}`);
    const repaired = genomes.map((g) => repair(world, [...g], 1, rng)).filter((g) => isValid(world, g)).length / genomes.length;
    assert.ok(repaired > 0.8, `repaired validity ${repaired}`);
    const invalid = genomes.find((g) => !isValid(world, g))!;
    assert.ok(violations(world, invalid).length > 0);
  });

  it('fitness and accuracy are bounded and deterministic', () => {
    const world = createLandscape(5);
    const g = randomGenome(createRng(6));
    const f = fitnessOf(world, g);
    assert.ok(f > 0 && f < 1);
    assert.equal(simulatedAccuracy(world, g, 9), simulatedAccuracy(world, g, 9));
    assert.ok(simulatedAccuracy(world, g, 9) >= 0.01 && simulatedAccuracy(world, g, 9) <= 0.99);
  });

  it('schedules: constant stays, decays decay, cyclic restarts', () => {
    assert.equal(mutationRate('constant', 1, 22), mutationRate('constant', 22, 22));
    assert.ok(mutationRate('linear', 22, 22) < mutationRate('linear', 1, 22));
    assert.ok(mutationRate('cosine', 22, 22) < mutationRate('cosine', 11, 22));
    assert.equal(mutationRate('cyclic', 1, 22), mutationRate('cyclic', 8, 22));
    assert.ok(mutationRate('cyclic', 7, 22) < mutationRate('cyclic', 8, 22));
    assert.ok(learnedAfter(0) === 0 && learnedAfter(20) > learnedAfter(5));
  });

  it('diversity and novelty: identical genomes have none, disjoint ones full', () => {
    const a = Array(GENOME_LENGTH).fill(0); const b = Array(GENOME_LENGTH).fill(COMPONENT_COUNT - 1);
    assert.equal(diversityOf([a, a, a]), 0);
    assert.equal(diversityOf([a, b]), 1);
    assert.equal(noveltyOf(a, []), 1);
    assert.equal(noveltyOf(a, [a]), 0);
  });

  it('selection raises fitness and validity over cycles; templates narrow the population', () => {
    const m = runTrial({ cycles: 22, population: 50, topK: 10, schedule: 'constant', seed: 2 });
    assert.ok(m[21]!.fitness > m[0]!.fitness);
    assert.ok(m[21]!.validity > m[0]!.validity);
    assert.ok(m[21]!.diversity < m[0]!.diversity);
    const children = generateGenomes(createLandscape(1), { templates: [Array(GENOME_LENGTH).fill(3)], learned: 0 }, 10, 0, createRng(1));
    assert.ok(children.every((c) => c.every((x) => x === 3)), 'rate 0 copies the template');
  });

  it('phase detection finds the run around the steepest validity gain', () => {
    const validity = [0.3, 0.3, 0.31, 0.3, 0.32, 0.31, 0.3, 0.4, 0.55, 0.7, 0.85, 0.9, 0.91, 0.9, 0.91, 0.9];
    const metrics: CycleMetrics[] = validity.map((v, i) => ({ cycle: i + 1, validity: v, novelty: 1 - v, diversity: 0.9, fitness: 0.5, mutationRate: 0.3 }));
    const phases = detectPhases(metrics);
    assert.ok(phases.transition[0] >= 7 && phases.transition[0] <= 9, JSON.stringify(phases));
    assert.ok(phases.transition[1] >= 10 && phases.transition[1] <= 12, JSON.stringify(phases));
    assert.equal(phases.exploration[0], 1);
    assert.equal(phases.specialisation[1], 16);
  });
});
