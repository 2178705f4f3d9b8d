import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Hex } from '../../domain/shared/canonical-json';
import type { CorpusEntry } from '../../domain/experiment/events';
import { LedgerError } from '../../domain/shared/ledger-error';
import { agentCheckout } from '../python/checkout';

/** One row of gpu-agent/seed-corpus/index.json; params are as measured by check_seed_corpus.py. */
export interface SeedManifestEntry {
  readonly name: string;
  readonly file: string;
  readonly title: string;
  readonly params: Readonly<Record<string, number>>;
}

export function seedCorpusDir(): string {
  return join(agentCheckout(), 'gpu-agent', 'seed-corpus');
}

export function readSeedManifest(dir: string = seedCorpusDir()): SeedManifestEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
  } catch (error) {
    throw new LedgerError('NOT_FOUND', `cannot read the seed corpus manifest in ${dir}: ${(error as Error).message}`,
      'Run from a complete nas-ledger checkout; gpu-agent/seed-corpus/index.json ships with it.');
  }
  const entries = (parsed as { entries?: unknown }).entries;
  if (!Array.isArray(entries)) throw new LedgerError('INTEGRITY', `${dir}/index.json has no entries array`, 'Restore the file from git.');
  return entries as SeedManifestEntry[];
}

/** The shipped seed corpus (the LEMUR corpus's role): entry ids `seed:<name>`, code hash = sha256 of the file's text. */
export function loadSeedCorpus(dir: string = seedCorpusDir()): CorpusEntry[] {
  return readSeedManifest(dir).map((entry) => {
    const code = readFileSync(join(dir, entry.file), 'utf8');
    return { entryId: `seed:${entry.name}`, name: entry.name, code, codeHash: sha256Hex(code), accuracy: null };
  });
}
