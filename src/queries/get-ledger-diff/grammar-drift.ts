import { existsSync, readdirSync } from 'node:fs';
import { DECISION_NAMES, GRAMMAR_CHOICES, initialTheta, thetaArtifact, thetaVersion, type GrammarTheta } from '../../../domain/generators/grammar';
import { ArtifactStore } from '../../ledger/artifact-store';

export interface DecisionDrift {
  readonly decision: string;
  /** Total variation distance between the two distributions of this decision (0..1). */
  readonly totalVariation: number;
  /** The choices of this decision, by how far their probability moved, largest first. */
  readonly moves: readonly { readonly choice: string; readonly from: number; readonly to: number }[];
}

export type GrammarDrift =
  | { readonly available: true; readonly from: string; readonly to: string; readonly decisions: readonly DecisionDrift[] }
  | { readonly available: false; readonly from: string; readonly to: string; readonly missing: readonly string[]; readonly note: string };

/**
 * How the grammar's θ moved between two versions: the decisions whose probabilities moved most. θ lives in the
 * artifact store beside the ledger; a version whose artifact is not there is reported as missing, not as an error.
 */
export function grammarDrift(artifactsDir: string, from: string, to: string, top = 5): GrammarDrift {
  const a = thetaFor(artifactsDir, from);
  const b = thetaFor(artifactsDir, to);
  if (!a || !b) {
    const missing = [a ? null : from, b ? null : to].filter((v): v is string => v !== null);
    return { available: false, from, to, missing, note: `θ of ${missing.join(' and ')} is not in the artifact store ${artifactsDir}` };
  }
  const decisions = DECISION_NAMES.map((d) => {
    const choices = GRAMMAR_CHOICES[d] as readonly (string | number)[];
    const moves = choices.map((choice, i) => ({ choice: String(choice), from: a[d][i] ?? 0, to: b[d][i] ?? 0 }))
      .sort((x, y) => Math.abs(y.to - y.from) - Math.abs(x.to - x.from));
    const totalVariation = moves.reduce((sum, m) => sum + Math.abs(m.to - m.from), 0) / 2;
    return { decision: d, totalVariation: round(totalVariation), moves: moves.map((m) => ({ ...m, from: round(m.from), to: round(m.to) })) };
  }).sort((x, y) => y.totalVariation - x.totalVariation);
  return { available: true, from, to, decisions: decisions.slice(0, top) };
}

/** θ of a grammar version from its artifact (`<hash>.json`, the version naming the hash's first 16 digits); the initial θ needs none. */
export function thetaFor(artifactsDir: string, version: string): GrammarTheta | null {
  const initial = thetaArtifact(initialTheta()).theta;
  if (thetaVersion(initial) === version) return initial;
  const m = /^grammar-([0-9a-f]{16})$/.exec(version);
  if (!m || !existsSync(artifactsDir)) return null;
  const file = readdirSync(artifactsDir).find((f) => f.startsWith(m[1]!) && f.endsWith('.json'));
  if (!file) return null;
  const artifact = new ArtifactStore(artifactsDir).getJson<{ kind?: string; theta?: GrammarTheta; temperature?: number }>(file.slice(0, -'.json'.length));
  // A decoding temperature other than 1 is part of the version (thetaArtifact), so it takes part in the check.
  return artifact.kind === 'grammar-theta' && artifact.theta && thetaVersion(artifact.theta, artifact.temperature ?? 1) === version ? artifact.theta : null;
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
