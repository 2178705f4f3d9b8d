/**
 * What a reproducibility review concludes about one candidate: the record against the re-run, pure (no I/O), so the
 * rules are read and tested in one place. The handler (review-handler.ts) gathers both sides and records the finding.
 */

export type ReviewVerdictKind = 'reproduced' | 'within-tolerance' | 'diverged' | 'not-reproducible';

/** One side of the comparison: what the ledger recorded, or what the re-run measured. */
export interface ReviewOutcome {
  readonly outcome: 'evaluated' | 'rejected';
  /** 'passed' for an evaluation, the rejection stage otherwise. */
  readonly stage: string;
  readonly accuracy: number | null;
  readonly loss: number | null;
  readonly reason: string | null;
}

/** The environment a number was produced in, as far as the record names it. */
export interface ReviewEnvironment {
  readonly datasetHash: string | null;
  readonly protocolHash: string | null;
  /** 'cpu' or 'cuda:<name>'. */
  readonly device: string | null;
  readonly threads: number | null;
  readonly sandbox: string | null;
  /** python, torch, torchvision, numpy, scipy (and cuda where recorded). */
  readonly libraries: Readonly<Record<string, string>>;
}

/** A named difference between the recorded environment and the review's. */
export interface EnvironmentDifference {
  readonly key: string;
  readonly recorded: string | number | null;
  readonly review: string | number | null;
}

export interface RegenerationCheck {
  readonly generator: string;
  readonly version: string;
  readonly recordedCodeHash: string;
  /** null when the generator could not be loaded (see `problem`). */
  readonly codeHash: string | null;
  readonly matches: boolean;
  readonly delta: boolean;
  readonly problem: string | null;
}

/** How the review found the protocol values it re-ran with (issue 14 item 3). */
export interface ProtocolValuesNote {
  readonly source: 'recorded' | 'searched' | 'not-found' | 'experiment-config';
  readonly note: string;
}

export interface ReviewFinding {
  readonly verdict: ReviewVerdictKind;
  readonly recorded: ReviewOutcome;
  readonly rerun: ReviewOutcome | null;
  /** rerun - recorded, where both have the number. */
  readonly deltas: { readonly accuracy: number | null; readonly loss: number | null } | null;
  readonly bitIdentical: boolean;
  readonly differences: readonly EnvironmentDifference[];
  readonly protocolValues: ProtocolValuesNote;
  readonly regeneration: RegenerationCheck | null;
  readonly tolerance: number;
  /** diverged: the likely cause; not-reproducible: why. */
  readonly cause: string | null;
  /** not-reproducible and diverged: what the reviewer can do about it. */
  readonly whatToDo: string | null;
}

/** Default --tolerance: about one binomial standard error of accuracy over 1,000 validation images (docs/reviews.md). */
export const DEFAULT_TOLERANCE = 0.02;

const LIBRARY_KEYS = ['python', 'torch', 'torchvision', 'numpy', 'scipy', 'cuda'] as const;

/** Every key on which the two environments differ, named. */
export function environmentDifferences(recorded: ReviewEnvironment, review: ReviewEnvironment): EnvironmentDifference[] {
  const out: EnvironmentDifference[] = [];
  const check = (key: string, a: string | number | null, b: string | number | null) => {
    if (a !== b) out.push({ key, recorded: a, review: b });
  };
  check('datasetHash', recorded.datasetHash, review.datasetHash);
  check('protocolHash', recorded.protocolHash, review.protocolHash);
  check('device', recorded.device, review.device);
  check('threads', recorded.threads, review.threads);
  check('sandbox', recorded.sandbox, review.sandbox);
  for (const key of LIBRARY_KEYS) {
    const a = recorded.libraries[key] ?? null;
    const b = review.libraries[key] ?? null;
    // A library the record does not name cannot be compared (an older runner did not list it).
    if (a !== null) check(key, a, b);
  }
  return out;
}

export interface CompareInput {
  readonly recorded: ReviewOutcome;
  readonly rerun: ReviewOutcome;
  readonly recordedEnvironment: ReviewEnvironment;
  readonly reviewEnvironment: ReviewEnvironment;
  readonly tolerance: number;
  readonly protocolValues: ProtocolValuesNote;
  readonly regeneration: RegenerationCheck | null;
}

const LIBRARY_DIFF = new Set<string>(LIBRARY_KEYS);
const named = (d: readonly EnvironmentDifference[]) => d.map((x) => `${x.key} ${String(x.recorded)} -> ${String(x.review)}`).join(', ');

/** The verdict rules (docs/reviews.md): dataset first, then the code, then the outcome, then the numbers. */
export function compareReview(input: CompareInput): ReviewFinding {
  const { recorded, rerun, tolerance, regeneration } = input;
  const differences = environmentDifferences(input.recordedEnvironment, input.reviewEnvironment);
  const deltas = recorded.outcome === 'evaluated' && rerun.outcome === 'evaluated'
    ? { accuracy: delta(rerun.accuracy, recorded.accuracy), loss: delta(rerun.loss, recorded.loss) } : null;
  const bitIdentical = recorded.outcome === rerun.outcome && recorded.stage === rerun.stage
    && recorded.accuracy === rerun.accuracy && recorded.loss === rerun.loss;
  const base = { recorded, rerun, deltas, bitIdentical, differences, protocolValues: input.protocolValues, regeneration, tolerance };
  const verdict = (v: ReviewVerdictKind, cause: string | null, whatToDo: string | null): ReviewFinding => ({ ...base, verdict: v, cause, whatToDo });

  const dataset = differences.find((d) => d.key === 'datasetHash');
  if (dataset && input.recordedEnvironment.datasetHash !== null) {
    return verdict('not-reproducible', `the dataset's content hash differs: recorded ${String(dataset.recorded)}, here ${String(dataset.review)}`,
      'Point NAS_LEDGER_DATA at a copy of the dataset whose content hash is the recorded one, then review again.');
  }
  if (regeneration && !regeneration.matches) {
    if (regeneration.codeHash === null) {
      return verdict('not-reproducible', `the generator could not be regenerated: ${regeneration.problem ?? 'unknown'}`,
        'Import the bundle that carries the generator artifacts (events import --bundle), or point NAS_LEDGER_ARTIFACTS at them.');
    }
    return verdict('diverged', `regeneration gave code ${regeneration.codeHash.slice(0, 12)}…, the record ${regeneration.recordedCodeHash.slice(0, 12)}… `
      + `(${regeneration.generator} ${regeneration.version.slice(0, 12)}…${regeneration.delta ? ', delta mode' : ''})`,
      'The generator is not deterministic for this seed and index here (a sampling LLM on a GPU may not be); compare the decoding and library versions.');
  }
  if (bitIdentical) return verdict('reproduced', null, null);
  if (recorded.outcome !== rerun.outcome || recorded.stage !== rerun.stage) {
    return verdict('diverged', `recorded ${recorded.outcome} at ${recorded.stage}, the re-run ${rerun.outcome} at ${rerun.stage}`
      + `${rerun.reason ? ` (${rerun.reason})` : ''}${differences.length ? `; environment differs: ${named(differences)}` : ''}`,
      likelyFix(differences));
  }
  // Both evaluated, numbers differ: bit-identity is expected only on the CPU with the same threads and libraries.
  const onCpu = (input.recordedEnvironment.device ?? 'cpu') === 'cpu' && (input.reviewEnvironment.device ?? 'cpu') === 'cpu';
  const librariesDiffer = differences.filter((d) => LIBRARY_DIFF.has(d.key));
  const expectIdentical = onCpu && !differences.some((d) => d.key === 'threads' || d.key === 'device' || LIBRARY_DIFF.has(d.key));
  const within = Math.abs(deltas?.accuracy ?? Infinity) <= tolerance && Math.abs(deltas?.loss ?? Infinity) <= tolerance;
  if (expectIdentical) {
    return verdict('diverged', 'the numbers differ on the CPU with the same thread count and libraries, where they must be bit-identical: '
      + 'nondeterminism in the candidate or the runner', 'Re-run the review; if it differs again, inspect the candidate for unseeded randomness.');
  }
  if (within) return verdict('within-tolerance', `environment differs: ${named(differences) || 'device kind'}`, null);
  if (librariesDiffer.length > 0) {
    return verdict('not-reproducible', `the libraries differ (${named(librariesDiffer)}) and the numbers differ beyond ${tolerance}`,
      'Review in an environment with the recorded library versions (the verdict names them).');
  }
  return verdict('diverged', `the numbers differ beyond ${tolerance}; environment differs: ${named(differences) || 'none named'}`, likelyFix(differences));
}

function delta(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : a - b;
}

function likelyFix(differences: readonly EnvironmentDifference[]): string {
  if (differences.some((d) => d.key === 'threads')) return 'Review with the recorded thread count (drop --threads).';
  if (differences.some((d) => d.key === 'device')) return 'Review on the recorded device (--device).';
  if (differences.some((d) => d.key === 'sandbox')) return 'Review where bubblewrap runs, as the record did.';
  return 'Re-run the review; if it differs again, inspect the candidate for unseeded randomness.';
}

/** A finding for a candidate the review could not re-run at all (dataset missing, code corrupt, values not found). */
export function notReproducible(
  recorded: ReviewOutcome, why: string, whatToDo: string, protocolValues: ProtocolValuesNote, tolerance: number, regeneration: RegenerationCheck | null = null,
): ReviewFinding {
  return {
    verdict: 'not-reproducible', recorded, rerun: null, deltas: null, bitIdentical: false, differences: [], protocolValues, regeneration,
    tolerance, cause: why, whatToDo,
  };
}
