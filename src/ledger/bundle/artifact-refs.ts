import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RecordedEvent } from '../../../domain/shared/event-envelope';
import { LedgerError } from '../../../domain/shared/ledger-error';
import { asLedgerEvent } from '../../../domain/experiment/ledger-event';
import type { GeneratorRef } from '../../../domain/experiment/events';
import { initialTheta, thetaArtifact, thetaVersion } from '../../../domain/generators/grammar';

/**
 * Which artifacts a ledger's events name. GeneratorFineTuned.adapterHash is an artifact's full hash (a grammar θ
 * `<hash>.json`, a LoRA adapter directory `<hash>/`); a generator version (`grammar-<16 hex>`, `llm-<16 hex>`) names
 * the JSON artifact whose hash starts with those digits; an llm version's JSON names its adapter directory in turn.
 */
export interface ArtifactRef {
  /** Full sha256 for adapterHash; the 16-hex prefix for a version. */
  readonly hashOrPrefix: string;
  /** What names it, for the error when it is missing: e.g. `GeneratorFineTuned.adapterHash at position 812`. */
  readonly namedBy: string;
  /** The initial grammar θ is rebuilt from code when its file is absent: not required. */
  readonly required: boolean;
}

const VERSION = /^(grammar|llm)-([0-9a-f]{16})$/;
const HASH = /^[0-9a-f]{64}$/;

export function referencedArtifacts(events: Iterable<RecordedEvent>): ArtifactRef[] {
  const refs = new Map<string, ArtifactRef>();
  const initialGrammar = thetaVersion(thetaArtifact(initialTheta()).theta);
  const add = (hashOrPrefix: string, namedBy: string, required: boolean): void => {
    const known = refs.get(hashOrPrefix);
    if (!known || (required && !known.required)) refs.set(hashOrPrefix, { hashOrPrefix, namedBy, required });
  };
  const version = (ref: GeneratorRef, namedBy: string): void => {
    const m = VERSION.exec(ref.version);
    if (m) add(m[2]!, `${namedBy} ${ref.version}`, ref.version !== initialGrammar);
  };
  for (const recorded of events) {
    const event = asLedgerEvent(recorded);
    const at = `at position ${recorded.globalPosition}`;
    switch (event?.type) {
      case 'CycleStarted': version(event.data.generator, `CycleStarted.generator ${at}`); break;
      case 'CandidateGenerated': version(event.data.generator, `CandidateGenerated.generator ${at}`); break;
      case 'GeneratorFineTuneRequested': version(event.data.from, `GeneratorFineTuneRequested.from ${at}`); break;
      case 'GeneratorFineTuned':
        version(event.data.from, `GeneratorFineTuned.from ${at}`);
        version(event.data.to, `GeneratorFineTuned.to ${at}`);
        if (HASH.test(event.data.adapterHash)) add(event.data.adapterHash, `GeneratorFineTuned.adapterHash ${at}`, true);
        break;
      default: break;
    }
  }
  return [...refs.values()];
}

/** An artifact as stored: a JSON file or a directory, under its full hash. */
export interface StoredArtifact {
  readonly hash: string;
  readonly kind: 'json' | 'directory';
  /** Absolute path of the file or directory. */
  readonly path: string;
}

/** Finds each reference in `dir`, adding the adapter an llm version names; a required one that is missing is NOT_FOUND. */
export function resolveArtifacts(dir: string, refs: readonly ArtifactRef[]): StoredArtifact[] {
  const names = existsSync(dir) ? readdirSync(dir).filter((n) => !n.endsWith('.tmp') && !/\.\d+\.tmp$/.test(n)) : [];
  const found = new Map<string, StoredArtifact>();
  const queue = [...refs];
  for (let ref = queue.shift(); ref; ref = queue.shift()) {
    const matches = names.filter((n) => n.startsWith(ref.hashOrPrefix) && (HASH.test(n) || /^[0-9a-f]{64}\.json$/.test(n)));
    if (matches.length === 0) {
      if (!ref.required) continue;
      throw new LedgerError('NOT_FOUND', `artifact ${ref.hashOrPrefix} (${ref.namedBy}) is not in ${dir}`,
        'Point NAS_LEDGER_ARTIFACTS (or --store) at the artifact directory the experiment used; nothing was written.', { hash: ref.hashOrPrefix, dir });
    }
    for (const name of matches) {
      const path = join(dir, name);
      const isDir = statSync(path).isDirectory();
      const hash = isDir ? name : name.slice(0, -'.json'.length);
      if (found.has(hash)) continue;
      found.set(hash, { hash, kind: isDir ? 'directory' : 'json', path });
      if (!isDir) {
        const adapter = adapterOf(readFileSync(path, 'utf8'));
        if (adapter) queue.push({ hashOrPrefix: adapter, namedBy: `the llm version ${hash.slice(0, 16)}'s adapter`, required: true });
      }
    }
  }
  return [...found.values()].sort((a, b) => a.hash.localeCompare(b.hash));
}

function adapterOf(text: string): string | null {
  try {
    const value = JSON.parse(text) as { kind?: unknown; adapter?: unknown };
    return value.kind === 'llm-version' && typeof value.adapter === 'string' && HASH.test(value.adapter) ? value.adapter : null;
  } catch {
    return null; // a corrupt file is caught by its hash when it is bundled
  }
}
