/** How many streams' last versions are remembered; the oldest are forgotten first (a miss only costs the slow path). */
const MAX_STREAMS = 10_000;

export interface LogHead {
  readonly position: number;
  readonly hash: string;
}

/**
 * What this process last saw of the log: the head (position and hash) and the last version of recent streams.
 * Every value was true once and, the log being append-only, can only have fallen behind since. The one-trip
 * append computes positions, versions and hashes from these guesses, and a guard in the same transaction (after
 * the lock) refuses the write when any guess is stale; the append then takes the slow path, which reads the state
 * under the lock and refreshes this cache.
 */
export class AppendStateCache {
  private lastHead: LogHead | null = null;
  private readonly versions = new Map<string, number>();

  get head(): LogHead | null {
    return this.lastHead;
  }

  streamVersion(streamId: string): number | undefined {
    return this.versions.get(streamId);
  }

  /** Records a state read under the lock, or the end of a committed append. */
  remember(head: LogHead, streamId: string, streamVersion: number): void {
    if (!this.lastHead || head.position >= this.lastHead.position) this.lastHead = head;
    const known = this.versions.get(streamId);
    if (known !== undefined && known > streamVersion) return;
    this.versions.delete(streamId);
    this.versions.set(streamId, streamVersion);
    if (this.versions.size > MAX_STREAMS) this.versions.delete(this.versions.keys().next().value as string);
  }

  /** After an import (many streams, a new head), guesses start again from the store. */
  forget(): void {
    this.lastHead = null;
    this.versions.clear();
  }
}
