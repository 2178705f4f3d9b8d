import { randomUUID } from 'node:crypto';
import { LedgerError } from '../../domain/shared/ledger-error';
import type { ExperimentConfig } from '../../domain/experiment/config';
import type { ExperimentGroupRef } from '../../domain/experiment/events';
import type { EventStore } from '../ledger/event-store.port';
import { runLoop } from './run-loop';

/** `--seeds 1,2,3`: distinct integers, at least two (one seed is a plain `run`). */
export function parseSeeds(text: string): number[] {
  const parts = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const seeds = parts.map((s) => Number(s));
  const bad = parts.filter((_, i) => !Number.isSafeInteger(seeds[i]) || seeds[i]! < 0);
  if (bad.length) throw new LedgerError('BAD_INPUT', `--seeds must be non-negative integers separated by commas, got "${bad.join('", "')}"`, 'Write it like --seeds 1,2,3.');
  const repeated = seeds.filter((s, i) => seeds.indexOf(s) !== i);
  if (repeated.length) {
    throw new LedgerError('BAD_INPUT', `--seeds repeats ${[...new Set(repeated)].join(', ')}: a repeated seed would count the same run twice`,
      'Give each seed once, e.g. --seeds 1,2,3.', { repeated });
  }
  if (seeds.length < 2) throw new LedgerError('BAD_INPUT', `--seeds needs at least two seeds for an across-seed interval, got ${seeds.length}`, 'Use `nas-ledger run --seed N` for one.');
  return seeds;
}

/** `--novelty-thresholds 0.80,0.85`: distinct values in (0, 1], the near-duplicate τ of the novelty filter. */
export function parseNoveltyThresholds(text: string): number[] {
  const parts = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const values = parts.map((s) => Number(s));
  const outside = parts.filter((_, i) => !(values[i]! > 0 && values[i]! <= 1));
  if (outside.length || parts.length === 0) {
    throw new LedgerError('BAD_INPUT', `--novelty-thresholds must lie in (0, 1], got "${outside.join('", "') || text}"`,
      'τ is the Jaccard similarity above which a program is a near-duplicate; write it like --novelty-thresholds 0.80,0.85,0.90,0.95.');
  }
  if (new Set(values).size !== values.length) throw new LedgerError('BAD_INPUT', `--novelty-thresholds repeats a value: ${text}`, 'Give each τ once.');
  return values;
}

export function newGroupId(name: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  return `${name.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 40)}-group-${stamp}-${randomUUID().slice(0, 4)}`;
}

export interface GroupVariant {
  /** '' for replicate. */
  readonly variant: string;
  readonly config: ExperimentConfig;
}

export interface GroupRun {
  readonly variant: string;
  readonly seed: number;
  readonly experimentId: string;
}

/**
 * Runs every variant with every seed, one after the other in one store, each registered as one run of the group.
 * The variant's config differs only in its seed (and its name, which says the variant and seed).
 */
export async function runGroup(options: {
  readonly groupId: string; readonly seeds: readonly number[]; readonly variants: readonly GroupVariant[];
  readonly store: EventStore; readonly signal?: AbortSignal; readonly agentConcurrency?: number;
  readonly valSubset?: number | null; readonly log: (line: string) => void;
}): Promise<GroupRun[]> {
  const runs: GroupRun[] = [];
  for (const { variant, config: base } of options.variants) {
    for (const seed of options.seeds) {
      const config: ExperimentConfig = { ...base, seed, name: `${base.name}-s${seed}` };
      const group: ExperimentGroupRef = { groupId: options.groupId, variant, seeds: options.seeds };
      options.log(`group ${options.groupId}${variant ? `, ${variant}` : ''}, seed ${seed}: ${config.cycles} cycles x ${config.candidatesPerCycle} candidates`);
      const result = await runLoop({
        config, group, store: options.store, signal: options.signal, valSubset: options.valSubset,
        agentConcurrency: options.agentConcurrency ?? (config.generator === 'sim' ? 4 : undefined),
      });
      runs.push({ variant, seed, experimentId: result.experimentId });
    }
  }
  return runs;
}
