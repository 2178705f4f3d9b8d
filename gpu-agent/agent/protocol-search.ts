import type { CandidateEvaluated, ProtocolValues } from '../../domain/experiment/events';
import type { ExperimentConfig } from '../../domain/experiment/config';
import { protocolValuesFrom, protocolValuesMatch } from '../../domain/experiment/protocol-values';
import { runPythonJob } from '../python/python-job';
import { defaultPython } from '../python/start-python';

/** Lists replacing the search's defaults (gpu-agent/runner/protocol_search.py DEFAULT_SPACE). */
export interface ProtocolSearchSpace {
  readonly valSubset?: readonly (number | null)[];
  readonly threads?: readonly number[];
  readonly batchSize?: readonly (number | null)[];
  readonly epochs?: readonly (number | null)[];
  readonly prm?: readonly Readonly<Record<string, number>>[];
  /** Also try values without `measuredBy` (evaluations from before the trusted runner). */
  readonly legacy?: readonly boolean[];
}

export interface ProtocolSearchRequest {
  readonly protocolHash: string;
  readonly protocol: string;
  readonly dataset: string;
  readonly device: 'cpu' | 'cuda';
  readonly seed: number;
  readonly subset: number | null;
  readonly space?: ProtocolSearchSpace;
}

/** The job config `run` sent, as far as the protocol hash covers it. */
export interface ProtocolSearchConfig {
  readonly protocol: string;
  readonly dataset: string;
  readonly device: 'cpu' | 'cuda';
  readonly seed: number;
  readonly subset: number | null;
  readonly valSubset: number | null;
  readonly batchSize: number | null;
  readonly epochs: number | null;
  readonly prm: Readonly<Record<string, number>>;
  readonly threads: number;
}

export interface ProtocolValuesFound {
  /** 'recorded': the event names its values and they hash to its protocolHash; 'searched': found by the search. */
  readonly source: 'recorded' | 'searched';
  readonly values: ProtocolValues;
  /** The job config to re-run with (searched), or null where the event's values say it all (recorded). */
  readonly config: ProtocolSearchConfig | null;
  /** The match lacks `measuredBy`: the evaluation predates the trusted runner (runner-v1). */
  readonly legacy: boolean;
  readonly tried: number;
}

export type ProtocolValuesLookup =
  | ProtocolValuesFound
  /** Nothing the search tried hashes to the recorded value; `recordedMismatch`: the event's own values do not either. */
  | { readonly source: 'not-found'; readonly tried: number; readonly recordedMismatch: boolean };

/**
 * Runs gpu-agent/runner/protocol_search.py: resolves every config in the space with the runner's own
 * protocols.resolve and returns the first whose hash is `protocolHash` (found: false after `tried` distinct hashes).
 */
export async function searchProtocolValues(request: ProtocolSearchRequest, options: { python?: string; timeoutMs?: number } = {}): Promise<{
  found: boolean; config: ProtocolSearchConfig | null; values: Record<string, unknown> | null; legacy: boolean; tried: number;
}> {
  return runPythonJob(options.python ?? defaultPython(), 'protocol_search.py', request, options.timeoutMs ?? 120_000);
}

/** 'cpu' | 'cuda' from an evaluation's device label ('cpu', 'cuda:<name>'). */
export const deviceKindOf = (label: string): 'cpu' | 'cuda' => (label.startsWith('cuda') ? 'cuda' : 'cpu');

/**
 * The protocol values an evaluation used: its recorded values when they check against its protocolHash (no Python
 * started), else the search over what `run` could have sent for this experiment's config. What a review reports
 * as "values not recorded; found by search" or "not found".
 */
export async function protocolValuesFor(
  evaluation: CandidateEvaluated['data'], config: Pick<ExperimentConfig, 'protocol' | 'subset'>,
  options: { python?: string; timeoutMs?: number; space?: ProtocolSearchSpace } = {},
): Promise<ProtocolValuesLookup> {
  const recorded = evaluation.protocolValues ?? null;
  if (recorded !== null && protocolValuesMatch(recorded, evaluation.protocolHash)) {
    return { source: 'recorded', values: recorded, config: null, legacy: recorded.measuredBy === undefined, tried: 0 };
  }
  const answer = await searchProtocolValues({
    protocolHash: evaluation.protocolHash, protocol: config.protocol, dataset: evaluation.dataset.id,
    device: deviceKindOf(evaluation.device), seed: evaluation.seed, subset: config.subset, ...(options.space ? { space: options.space } : {}),
  }, options);
  const values = answer.found ? protocolValuesFrom(answer.values) : null;
  if (values === null || answer.config === null) return { source: 'not-found', tried: answer.tried, recordedMismatch: recorded !== null };
  return { source: 'searched', values, config: answer.config, legacy: answer.legacy, tried: answer.tried };
}
