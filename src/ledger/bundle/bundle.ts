import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { RecordedEvent } from '../../../domain/shared/event-envelope';
import { canonicalJson, sha256Hex } from '../../../domain/shared/canonical-json';
import { LedgerError } from '../../../domain/shared/ledger-error';
import { ChainVerifier } from '../hash-chain';
import { rejectUnknownEvent } from '../ledger-files';
import { makeDirectory } from '../../shared/make-directory';
import type { LedgerStore } from '../open-event-store';
import { referencedArtifacts, resolveArtifacts } from './artifact-refs';
import { readTar, writeTar, type TarEntry } from './ustar';

/**
 * Portable ledgers: one tar file with the events (as recorded, JSON Lines), every artifact they name (grammar θ
 * files, LoRA adapter directories) and a manifest of content hashes. Import checks every hash, the artifacts' own
 * content hashes and the event chain before it writes anything.
 */
export const BUNDLE_FORMAT = 'nas-ledger-bundle';
export const BUNDLE_VERSION = 1;
const MANIFEST = 'manifest.json';
const EVENTS = 'events.jsonl';

export interface BundleFile { readonly path: string; readonly sha256: string; readonly bytes: number }
export interface BundleArtifact { readonly hash: string; readonly kind: 'json' | 'directory'; readonly files: readonly BundleFile[] }
export interface BundleManifest {
  readonly format: typeof BUNDLE_FORMAT;
  readonly version: number;
  readonly events: BundleFile & { readonly count: number; readonly head: number; readonly headHash: string | null };
  readonly artifacts: readonly BundleArtifact[];
}

export interface BundleSummary { readonly events: number; readonly head: number; readonly artifacts: number; readonly bytes: number }

function filesUnder(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.push(full);
    }
  };
  walk(root);
  return out;
}

const fileOf = (path: string, data: Buffer): BundleFile => ({ path, sha256: sha256Hex(data), bytes: data.length });

/** Writes the store's events and the artifacts of `artifactDir` they name to `file` (via a temporary file and a rename). */
export async function exportBundle(store: LedgerStore, artifactDir: string, file: string): Promise<BundleSummary> {
  const events: RecordedEvent[] = [];
  for await (const event of store.iterateRaw()) events.push(event);
  const artifacts = resolveArtifacts(artifactDir, referencedArtifacts(events));
  const entries: TarEntry[] = [];
  const eventsData = Buffer.from(events.map((e) => JSON.stringify(e) + '\n').join(''), 'utf8');
  entries.push({ path: EVENTS, data: eventsData });
  const listed: BundleArtifact[] = [];
  for (const artifact of artifacts) {
    const files: BundleFile[] = [];
    const sources = artifact.kind === 'json' ? [[artifact.path, `artifacts/${artifact.hash}.json`] as const]
      : filesUnder(artifact.path).map((f) => [f, `artifacts/${artifact.hash}/${relative(artifact.path, f).split('\\').join('/')}`] as const);
    for (const [source, path] of sources) {
      const data = readFileSync(source);
      entries.push({ path, data });
      files.push(fileOf(path, data));
    }
    listed.push({ hash: artifact.hash, kind: artifact.kind, files });
  }
  const last = events[events.length - 1];
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT, version: BUNDLE_VERSION,
    events: { ...fileOf(EVENTS, eventsData), count: events.length, head: last?.globalPosition ?? 0, headHash: last?.hash ?? null },
    artifacts: listed,
  };
  const archive = writeTar([{ path: MANIFEST, data: Buffer.from(JSON.stringify(manifest, null, 2) + '\n') }, ...entries]);
  makeDirectory(dirname(file) || '.');
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, archive);
  renameSync(tmp, file);
  return { events: events.length, head: manifest.events.head, artifacts: listed.length, bytes: archive.length };
}

/** A bundle read into memory and checked: every hash, every artifact's content hash, the chain, the catalog. */
export interface VerifiedBundle {
  readonly manifest: BundleManifest;
  readonly events: readonly RecordedEvent[];
  /** Files by bundle path. */
  readonly files: ReadonlyMap<string, Buffer>;
}

function badManifest(file: string, why: string): never {
  throw new LedgerError('BAD_INPUT', `${file}: bad manifest: ${why}`, 'The bundle was not written by `nas-ledger events export --bundle`, or was edited; nothing was imported.', { file });
}

const isFileEntry = (v: unknown): v is BundleFile => {
  const f = v as BundleFile;
  return typeof f === 'object' && f !== null && typeof f.path === 'string' && /^[0-9a-f]{64}$/.test(String(f.sha256)) && Number.isInteger(f.bytes);
};

function parseManifest(file: string, data: Buffer | undefined): BundleManifest {
  if (!data) badManifest(file, `no ${MANIFEST}`);
  let parsed: unknown;
  try { parsed = JSON.parse(data.toString('utf8')); } catch (error) { badManifest(file, `not JSON (${(error as Error).message})`); }
  const format = (parsed as { format?: unknown } | null)?.format;
  if (format !== BUNDLE_FORMAT) badManifest(file, `format is ${JSON.stringify(format)}, not ${BUNDLE_FORMAT}`);
  const m = parsed as BundleManifest;
  if (m.version !== BUNDLE_VERSION) badManifest(file, `version ${m.version} (this build reads ${BUNDLE_VERSION})`);
  if (!isFileEntry(m.events) || m.events.path !== EVENTS || !Number.isInteger(m.events.count)) badManifest(file, 'the events entry is malformed');
  const artifacts: unknown = m.artifacts;
  if (!Array.isArray(artifacts)) badManifest(file, 'artifacts is not a list');
  for (const a of m.artifacts) {
    const files: unknown = (a as BundleArtifact | null)?.files;
    if (!/^[0-9a-f]{64}$/.test(String(a?.hash)) || (a.kind !== 'json' && a.kind !== 'directory') || !Array.isArray(files) || !files.every(isFileEntry)) {
      badManifest(file, `artifact entry ${JSON.stringify(a?.hash)} is malformed`);
    }
    const prefix = a.kind === 'json' ? `artifacts/${a.hash}.json` : `artifacts/${a.hash}/`;
    if (!a.files.every((f) => (a.kind === 'json' ? f.path === prefix : f.path.startsWith(prefix) && !f.path.includes('..')))) {
      badManifest(file, `artifact ${a.hash} lists a file outside its place`);
    }
  }
  return m;
}

function integrity(file: string, what: string, details: Record<string, unknown>): never {
  throw new LedgerError('INTEGRITY', `${file}: ${what}`, 'Export the bundle again from the source store; nothing was imported.', { file, ...details });
}

/** Reads and checks `file`; throws before anything is written (BAD_INPUT, INTEGRITY, NOT_FOUND naming the file). */
export function readBundle(file: string): VerifiedBundle {
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new LedgerError('NOT_FOUND', `no such bundle: ${file}`, 'Pass a file written by `nas-ledger events export --bundle FILE`.', { file });
  }
  const files = new Map(readTar(readFileSync(file), file).map((e) => [e.path, e.data]));
  const manifest = parseManifest(file, files.get(MANIFEST));
  const listed = [manifest.events, ...manifest.artifacts.flatMap((a) => a.files)];
  for (const entry of listed) {
    const data = files.get(entry.path);
    if (!data) integrity(file, `${entry.path} is listed in the manifest but missing from the bundle`, { path: entry.path });
    if (data.length !== entry.bytes || sha256Hex(data) !== entry.sha256) integrity(file, `${entry.path} does not match its manifest hash: the file is corrupt`, { path: entry.path });
  }
  const unlisted = [...files.keys()].filter((p) => p !== MANIFEST && !listed.some((f) => f.path === p));
  if (unlisted.length > 0) badManifest(file, `${unlisted[0]} is in the bundle but not in the manifest`);
  for (const artifact of manifest.artifacts) {
    const actual = artifact.kind === 'json' ? sha256Hex(files.get(artifact.files[0]!.path)!)
      // in the manifest's order, which is directoryHash's walk order (export lists the files as that walk finds them)
      : sha256Hex(canonicalJson(artifact.files.map((f) => [f.path.slice(`artifacts/${artifact.hash}/`.length), f.sha256])));
    if (actual !== artifact.hash) integrity(file, `artifact ${artifact.hash} does not match its content hash (found ${actual.slice(0, 12)}…)`, { hash: artifact.hash });
  }
  const events = parseEvents(file, files.get(EVENTS)!);
  if (events.length !== manifest.events.count) badManifest(file, `it announces ${manifest.events.count} event(s), the bundle holds ${events.length}`);
  const present = new Set(manifest.artifacts.map((a) => a.hash));
  for (const ref of referencedArtifacts(events)) {
    if (ref.required && ![...present].some((h) => h.startsWith(ref.hashOrPrefix))) {
      throw new LedgerError('NOT_FOUND', `${file}: artifact ${ref.hashOrPrefix} (${ref.namedBy}) is missing from the bundle`,
        'Export the bundle again from a store whose artifact directory has it; nothing was imported.', { file, hash: ref.hashOrPrefix });
    }
  }
  return { manifest, events, files };
}

function parseEvents(file: string, data: Buffer): RecordedEvent[] {
  const events: RecordedEvent[] = [];
  const verifier = new ChainVerifier();
  data.toString('utf8').split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let event: RecordedEvent;
    try { event = JSON.parse(line) as RecordedEvent; } catch (error) {
      throw new LedgerError('BAD_INPUT', `${file}: ${EVENTS}:${i + 1} is not JSON (${(error as Error).message})`, 'Export the bundle again; nothing was imported.', { file, line: i + 1 });
    }
    const unknown = rejectUnknownEvent(event);
    if (unknown) throw new LedgerError('BAD_INPUT', `${file}: event at position ${event.globalPosition}: ${unknown}`, 'Import with a nas-ledger that knows it; nothing was imported.', { file });
    if (!verifier.check(event)) {
      integrity(file, `the event chain is broken at position ${verifier.firstBreak!.position}: ${verifier.firstBreak!.reason}`, { position: verifier.firstBreak!.position });
    }
    events.push(event);
  });
  return events;
}

export interface BundleImportResult { readonly imported: number; readonly alreadyPresent: number; readonly head: number; readonly artifacts: number }

/**
 * Imports a checked bundle: first the store is checked to be empty or a prefix of the bundle, then the artifacts go
 * into `artifactDir` (each under a temporary name, then renamed; one already there is kept), then the events.
 */
export async function importBundle(store: LedgerStore, artifactDir: string, file: string): Promise<BundleImportResult> {
  const bundle = readBundle(file);
  const head = await store.head();
  const overlap = Math.min(head, bundle.events.length);
  if (overlap > 0 && (await store.storedHashAt(overlap)) !== bundle.events[overlap - 1]!.hash) {
    throw new LedgerError('REFUSED', `${file} does not continue this store: position ${overlap} differs`,
      'Import into an empty store, or one this bundle extends; nothing was imported.', { file, position: overlap });
  }
  let written = 0;
  for (const artifact of bundle.manifest.artifacts) {
    const target = join(artifactDir, artifact.kind === 'json' ? `${artifact.hash}.json` : artifact.hash);
    if (existsSync(target)) continue;
    const tmp = `${target}.${process.pid}.tmp`;
    rmSync(tmp, { recursive: true, force: true });
    for (const f of artifact.files) {
      const path = artifact.kind === 'json' ? tmp : join(tmp, f.path.slice(`artifacts/${artifact.hash}/`.length));
      makeDirectory(dirname(path));
      writeFileSync(path, bundle.files.get(f.path)!);
    }
    renameSync(tmp, target);
    written++;
  }
  const result = await store.importEvents(bundle.events, { rejectEvent: rejectUnknownEvent });
  return { imported: result.imported, alreadyPresent: result.alreadyPresent, head: result.head, artifacts: written };
}
