import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import type { CorpusEntry } from '../../domain/experiment/events';
import { sha256Hex } from '../../domain/shared/canonical-json';
import { LedgerError } from '../../domain/shared/ledger-error';

export interface LemurImportOptions {
  /** Keep only statistics whose path names this dataset (e.g. `cifar-10`); accuracies from other datasets are ignored. */
  readonly dataset?: string;
}

export interface LemurImportResult {
  readonly entries: CorpusEntry[];
  /** Files that could not be used, with the reason: nothing is dropped silently. */
  readonly skipped: { readonly path: string; readonly reason: string }[];
}

/**
 * Imports a local copy of LEMUR's nn-dataset: `ab/nn/nn/<Model>.py` are the programs, `ab/nn/stat/**.json` hold
 * trial results. A stat directory or file is named `<task>_<dataset>_<metric>_<Model>`; its JSON is one trial
 * object or a list of them, each with an `accuracy`. An entry's accuracy is the best one found (null if none).
 */
export function importLemurCorpus(root: string, options: LemurImportOptions = {}): LemurImportResult {
  const nnDir = join(root, 'ab', 'nn', 'nn');
  if (!existsSync(nnDir)) {
    throw new LedgerError('NOT_FOUND', `no LEMUR program directory at ${nnDir}`,
      'Point the importer at the root of an nn-dataset checkout (the folder that contains ab/nn/nn).');
  }
  const skipped: { path: string; reason: string }[] = [];
  const best = bestAccuracies(join(root, 'ab', 'nn', 'stat'), options.dataset, skipped, root);
  const entries: CorpusEntry[] = [];
  for (const file of readdirSync(nnDir).sort()) {
    if (!file.endsWith('.py') || file === '__init__.py') continue;
    const name = file.slice(0, -3);
    const code = readFileSync(join(nnDir, file), 'utf8');
    if (!/class\s+Net\s*\(/.test(code)) {
      skipped.push({ path: relative(root, join(nnDir, file)), reason: 'no class Net: not a program under the contract' });
      continue;
    }
    entries.push({ entryId: `lemur:${name}`, name, code, codeHash: sha256Hex(code), accuracy: best.get(name) ?? null });
  }
  return { entries, skipped };
}

function bestAccuracies(statDir: string, dataset: string | undefined, skipped: { path: string; reason: string }[], root: string): Map<string, number> {
  const best = new Map<string, number>();
  for (const path of jsonFiles(statDir)) {
    const rel = relative(statDir, path);
    if (dataset !== undefined && !rel.toLowerCase().includes(dataset.toLowerCase())) continue;
    const model = modelNameOf(rel);
    if (model === null) { skipped.push({ path: relative(root, path), reason: 'cannot tell the model from the path' }); continue; }
    let parsed: unknown;
    try { parsed = JSON.parse(readFileSync(path, 'utf8')); } catch (error) {
      skipped.push({ path: relative(root, path), reason: `malformed JSON: ${(error as Error).message}` });
      continue;
    }
    for (const trial of Array.isArray(parsed) ? parsed : [parsed]) {
      const accuracy = (trial as { accuracy?: unknown } | null)?.accuracy;
      if (typeof accuracy === 'number' && Number.isFinite(accuracy)) best.set(model, Math.max(best.get(model) ?? -Infinity, accuracy));
    }
  }
  return best;
}

/** `img-classification_cifar-10_acc_AlexNet/1.json` or `.../img-classification_cifar-10_acc_AlexNet.json` -> AlexNet. */
function modelNameOf(relPath: string): string | null {
  const parts = relPath.split(/[\\/]/);
  for (let i = parts.length - 1; i >= 0; i -= 1) {
    const segment = i === parts.length - 1 ? basename(parts[i]!, '.json') : parts[i]!;
    const pieces = segment.split('_');
    if (pieces.length >= 4) return pieces.slice(3).join('_');
  }
  return null;
}

function jsonFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...jsonFiles(full));
    else if (name.endsWith('.json')) out.push(full);
  }
  return out;
}
