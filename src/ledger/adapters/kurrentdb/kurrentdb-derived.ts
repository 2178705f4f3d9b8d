import { randomUUID } from 'node:crypto';
import { LedgerError } from '../../../../domain/shared/ledger-error';
import { canonicalText } from '../../canonical-text';
import type { SnapshotRecord } from '../../event-store.port';
import { snapshotContentHash } from '../../hash-chain';
import type { SnapshotFailure } from '../../sql/snapshot-rows';
import { snapshotProblem } from '../../sql/snapshot-rows';
import type { CheckpointFailure } from '../../sql/verified-head';
import type { KurrentDbLog } from './kurrentdb-log';
import type { LedgerStreams } from './kurrentdb-mapping';
import type { KurrentDbStreams, ServerRecord } from './kurrentdb-streams';

interface SnapshotSaved { kind: 'saved'; position: number; state: unknown; chainHash: string; contentHash: string }
interface SnapshotsPruned { kind: 'pruned'; positions: number[] }
type SnapshotEntry = SnapshotSaved | SnapshotsPruned;

/** The snapshots a stream holds now: later saves of a position replace earlier ones, prune markers remove them. */
export function liveSnapshots(entries: readonly unknown[]): Map<number, SnapshotSaved> {
  const live = new Map<number, SnapshotSaved>();
  for (const raw of entries) {
    const entry = raw as SnapshotEntry;
    if (entry.kind === 'saved') live.set(entry.position, entry);
    else if (entry.kind === 'pruned') for (const p of entry.positions) live.delete(p);
  }
  return live;
}

/**
 * Snapshots and checkpoints, each in its own streams. KurrentDB never edits an event, so replacing and pruning a
 * snapshot append entries that supersede earlier ones; pruning then truncates the stream before the oldest live one.
 */
export class KurrentDbDerived {
  private readonly knownCheckpoints = new Set<string>();
  private readonly knownVersions = new Set<string>();
  readonly integrity = { snapshotsDiscarded: 0 };

  constructor(private readonly streams: KurrentDbStreams, private readonly names: LedgerStreams, private readonly log: KurrentDbLog,
    private readonly onIntegrityWarning: (message: string) => void) {}

  async saveSnapshot(snapshot: SnapshotRecord): Promise<void> {
    const chainHash = await this.log.hashAt(snapshot.position);
    if (chainHash === null || snapshot.position < 0) {
      throw new LedgerError('BAD_INPUT', `snapshot position ${snapshot.position} is beyond the log's head`,
        'Snapshot a fold over events the log holds (position <= head).', { position: snapshot.position });
    }
    const text = JSON.stringify(snapshot.state);
    if (text === undefined) throw new LedgerError('BAD_INPUT', 'snapshot state must be a JSON value', 'Snapshot plain data only.');
    const state = JSON.parse(text) as unknown;
    const contentHash = snapshotContentHash(snapshot.projection, snapshot.projectionVersion, snapshot.position, chainHash, canonicalText(state) ?? 'null');
    const entry: SnapshotSaved = { kind: 'saved', position: snapshot.position, state, chainHash, contentHash };
    const versionKey = JSON.stringify([snapshot.projection, snapshot.projectionVersion]);
    await this.streams.appendAtomically([
      { stream: this.names.snapshots(snapshot.projection, snapshot.projectionVersion), expected: 'any', events: [{ id: randomUUID(), type: 'nas-ledger.SnapshotSaved', data: { ...entry } }] },
      ...(this.knownVersions.has(versionKey) ? [] : [{
        stream: this.names.snapshotVersions(snapshot.projection), expected: 'any' as const,
        events: [{ id: randomUUID(), type: 'nas-ledger.SnapshotVersionUsed', data: { projectionVersion: snapshot.projectionVersion } }],
      }, {
        stream: this.names.snapshotProjections, expected: 'any' as const,
        events: [{ id: randomUUID(), type: 'nas-ledger.SnapshotProjectionUsed', data: { projection: snapshot.projection } }],
      }]),
    ]);
    this.knownVersions.add(versionKey);
  }

  async loadSnapshot(projection: string, projectionVersion: string, atOrBefore: number): Promise<SnapshotRecord | null> {
    const live = liveSnapshots((await this.streams.readAllOf(this.names.snapshots(projection, projectionVersion))).map((r) => r.data));
    const candidates = [...live.values()].filter((s) => s.position <= atOrBefore).sort((a, b) => b.position - a.position);
    for (const s of candidates) {
      const problem = snapshotProblem(projection, projectionVersion,
        { position: s.position, state: s.state, chain_hash: s.chainHash, content_hash: s.contentHash }, await this.log.hashAt(s.position));
      if (!problem) return { projection, projectionVersion, position: s.position, state: s.state };
      this.integrity.snapshotsDiscarded++;
      this.onIntegrityWarning(`snapshot ${projection} (${projectionVersion}) at position ${s.position}: ${problem}; discarded, rebuilt by replay`);
      await this.drop([{ projection, projectionVersion, position: s.position, reason: problem }]);
    }
    return null;
  }

  async pruneSnapshots(projection: string, keepLatest: number): Promise<number> {
    if (!Number.isInteger(keepLatest) || keepLatest < 0) {
      throw new LedgerError('BAD_INPUT', `keepLatest must be an integer >= 0, got ${keepLatest}`, 'Pass how many snapshots to keep per version.');
    }
    let deleted = 0;
    for (const version of await this.versions(projection)) {
      const stream = this.names.snapshots(projection, version);
      const records = await this.streams.readAllOf(stream);
      const live = liveSnapshots(records.map((r) => r.data));
      const doomed = [...live.keys()].sort((a, b) => b - a).slice(keepLatest);
      if (doomed.length === 0) continue;
      await this.streams.appendAtomically([{ stream, expected: 'any', events: [{ id: randomUUID(), type: 'nas-ledger.SnapshotsPruned', data: { kind: 'pruned', positions: doomed } }] }]);
      deleted += doomed.length;
      await this.truncateBeforeOldestLive(stream, records, new Set(live.keys()), new Set(doomed));
    }
    return deleted;
  }

  async drop(failures: readonly SnapshotFailure[]): Promise<number> {
    for (const f of failures) {
      await this.streams.appendAtomically([{ stream: this.names.snapshots(f.projection, f.projectionVersion), expected: 'any',
        events: [{ id: randomUUID(), type: 'nas-ledger.SnapshotsPruned', data: { kind: 'pruned', positions: [f.position] } }] }]);
    }
    return failures.length;
  }

  async checkAllSnapshots(): Promise<{ checked: number; failures: SnapshotFailure[] }> {
    const failures: SnapshotFailure[] = [];
    let checked = 0;
    for (const projection of await this.projections()) {
      for (const version of await this.versions(projection)) {
        const live = liveSnapshots((await this.streams.readAllOf(this.names.snapshots(projection, version))).map((r) => r.data));
        for (const s of live.values()) {
          checked++;
          const reason = snapshotProblem(projection, version, { position: s.position, state: s.state, chain_hash: s.chainHash, content_hash: s.contentHash },
            await this.log.hashAt(s.position));
          if (reason) failures.push({ projection, projectionVersion: version, position: s.position, reason });
        }
      }
    }
    return { checked, failures };
  }

  async loadCheckpoint(name: string): Promise<number> {
    const last = await this.streams.readLast(this.names.checkpoint(name));
    return Number((last?.data as { position?: number } | undefined)?.position ?? 0);
  }

  async saveCheckpoint(name: string, position: number): Promise<void> {
    await this.streams.appendAtomically([
      { stream: this.names.checkpoint(name), expected: 'any', events: [{ id: randomUUID(), type: 'nas-ledger.CheckpointSaved', data: { position } }] },
      ...(this.knownCheckpoints.has(name) ? [] : [{ stream: this.names.checkpointNames, expected: 'any' as const,
        events: [{ id: randomUUID(), type: 'nas-ledger.CheckpointNamed', data: { name } }] }]),
    ]);
    this.knownCheckpoints.add(name);
  }

  async checkpointsBeyond(head: number): Promise<{ checked: number; failures: CheckpointFailure[] }> {
    const names = [...new Set((await this.streams.readAllOf(this.names.checkpointNames)).map((r) => (r.data as { name: string }).name))].sort();
    const failures: CheckpointFailure[] = [];
    for (const name of names) {
      const position = await this.loadCheckpoint(name);
      if (position > head || position < 0) failures.push({ name, position, reason: `checkpoint at position ${position}, beyond the head ${head}` });
    }
    return { checked: names.length, failures };
  }

  private async versions(projection: string): Promise<string[]> {
    const records = await this.streams.readAllOf(this.names.snapshotVersions(projection));
    return [...new Set(records.map((r) => (r.data as { projectionVersion: string }).projectionVersion))];
  }

  /** Projections with snapshots, from the ledger's own registry stream. */
  private async projections(): Promise<string[]> {
    const records = await this.streams.readAllOf(this.names.snapshotProjections);
    return [...new Set(records.map((r) => (r.data as { projection: string }).projection))];
  }

  private async truncateBeforeOldestLive(stream: string, records: readonly ServerRecord[], live: Set<number>, doomed: Set<number>): Promise<void> {
    const keep = new Set([...live].filter((p) => !doomed.has(p)));
    const latestRevision = new Map<number, bigint>();
    for (const r of records) {
      const entry = r.data as SnapshotEntry;
      if (entry.kind === 'saved') latestRevision.set(entry.position, r.revision);
    }
    const revisions = [...keep].map((p) => latestRevision.get(p)).filter((r): r is bigint => r !== undefined);
    const oldest = revisions.length ? revisions.reduce((a, b) => (a < b ? a : b)) : BigInt(records.length);
    // Only whole-superseded history goes; the prune markers after it are kept (they still hide earlier saves).
    if (oldest > 0n) await this.streams.setTruncateBefore(stream, Number(oldest));
  }
}
