import { mean, median, tInterval, wilsonInterval, type Interval } from '../../domain/stats';
import { meanPairwiseJaccardDistance } from './diversity';
import type { FrozenCycleFigures } from './view';

/** The figures that need a cycle's working sets (valid accuracies, signatures); frozen when the cycle completes. */
export function workingSetFigures(accuracies: readonly number[], signatures: readonly string[]): FrozenCycleFigures {
  return {
    meanAccuracy: accuracies.length > 0 ? mean(accuracies) : null,
    meanAccuracyCI: tInterval(accuracies, 0.95)?.interval ?? null,
    medianAccuracy: accuracies.length > 0 ? median(accuracies) : null,
    diversity: meanPairwiseJaccardDistance(signatures),
  };
}

/** Wilson 95% interval of successes out of trials; null with no trials. */
export function wilson95(successes: number, trials: number): Interval | null {
  return wilsonInterval(successes, trials);
}
