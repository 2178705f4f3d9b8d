import { cpSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { canonicalJson, sha256Hex } from '../../domain/shared/canonical-json';
import { LedgerError } from '../../domain/shared/ledger-error';
import { makeDirectory } from '../shared/make-directory';

/**
 * Content-addressed files beside the store: a JSON artifact is `<dir>/<sha256>.json`, a directory artifact
 * (a LoRA adapter) is `<dir>/<sha256>/`. Reads verify the hash, so a corrupt file is caught, never used.
 */
export function artifactDirFor(store: string | undefined): string {
  const override = process.env.NAS_LEDGER_ARTIFACTS;
  if (override !== undefined && override !== '') return override;
  const location = store === undefined || store === '' ? (process.env.NAS_LEDGER_STORE || '.nas-ledger') : store;
  if (/^file:\/\//i.test(location)) return join(fileURLToPath(location), 'artifacts');
  if (/^file:/i.test(location)) return join(location.slice('file:'.length), 'artifacts');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) return join('.nas-ledger', 'artifacts'); // postgres://, esdb://, kurrent://
  return join(location, 'artifacts');
}

export class ArtifactStore {
  constructor(readonly dir: string) {}

  putJson(value: unknown): string {
    const text = canonicalJson(value);
    const hash = sha256Hex(text);
    const path = join(this.dir, `${hash}.json`);
    if (!existsSync(path)) {
      makeDirectory(this.dir);
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, text);
      renameSync(tmp, path);
    }
    return hash;
  }

  getJson<T>(hash: string): T {
    const path = join(this.dir, `${hash}.json`);
    if (!existsSync(path)) {
      throw new LedgerError('NOT_FOUND', `no artifact ${hash} in ${this.dir}`,
        'Point NAS_LEDGER_ARTIFACTS (or the store path) at the artifact directory the experiment used.');
    }
    const text = readFileSync(path, 'utf8');
    if (sha256Hex(text) !== hash) {
      throw new LedgerError('INTEGRITY', `artifact ${path} does not match its hash: the file is corrupt`,
        'Restore it from a backup, or re-run the fine-tune that produced it.', { path, hash });
    }
    return JSON.parse(text) as T;
  }

  /** Copies a directory in under the hash of its files (names and contents) and returns that hash. */
  putDirectory(source: string): string {
    const hash = directoryHash(source);
    const target = join(this.dir, hash);
    if (!existsSync(target)) {
      makeDirectory(this.dir);
      const tmp = `${target}.${process.pid}.tmp`;
      rmSync(tmp, { recursive: true, force: true });
      cpSync(source, tmp, { recursive: true });
      renameSync(tmp, target);
    }
    return hash;
  }

  /** The verified path of a directory artifact. */
  directory(hash: string): string {
    const path = join(this.dir, hash);
    if (!existsSync(path)) {
      throw new LedgerError('NOT_FOUND', `no adapter ${hash} in ${this.dir}`,
        'Point NAS_LEDGER_ARTIFACTS (or the store path) at the artifact directory the experiment used.');
    }
    const actual = directoryHash(path);
    if (actual !== hash) {
      throw new LedgerError('INTEGRITY', `adapter ${path} does not match its hash (found ${actual.slice(0, 12)}…): a file is corrupt`,
        'Restore the adapter from a backup, or re-run the fine-tune that produced it.', { path, hash, actual });
    }
    return path;
  }
}

/** sha256 over the sorted relative paths and the sha256 of each file. */
export function directoryHash(root: string): string {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else files.push(full);
    }
  };
  walk(root);
  return sha256Hex(canonicalJson(files.map((f) => [relative(root, f).split('\\').join('/'), sha256Hex(readFileSync(f))])));
}

export const ensureParent = (path: string): void => { makeDirectory(dirname(path)); };
