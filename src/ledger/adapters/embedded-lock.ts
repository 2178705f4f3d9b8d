import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { LedgerError } from '../../../domain/shared/ledger-error';

export const LOCK_FILE = 'LOCK';

export interface DirectoryLock {
  readonly path: string;
  release(): void;
}

interface LockOwner {
  readonly pid: number;
  readonly hostname: string;
  readonly since: string;
  /** Kernel start time of the owner (Linux /proc), so a recycled pid is not mistaken for the owner. */
  readonly startTicks?: string | null;
}

/**
 * PGlite is a single-process database: two processes on one directory would corrupt it. The lock file is
 * created with O_EXCL and names its owner's pid; a lock whose pid is gone (a crash, kill -9) is taken over.
 */
export function acquireDirectoryLock(directory: string): DirectoryLock {
  const path = join(directory, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      const owner: LockOwner = { pid: process.pid, hostname: hostname(), since: new Date().toISOString(), startTicks: processStartTicks(process.pid) };
      writeSync(fd, JSON.stringify(owner) + '\n');
      closeSync(fd);
      let released = false;
      return {
        path,
        release: () => {
          if (released) return;
          released = true;
          try { unlinkSync(path); } catch { /* already gone: nothing to release */ }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = readOwner(path);
    if (owner && isAlive(owner)) {
      throw new LedgerError('LOCKED',
        `the embedded ledger in ${directory} is in use by process ${owner.pid} (since ${owner.since})`,
        'Only one process may write to the embedded store. Reads (stats, candidates, provenance, exports, events ' +
        'export|verify, serve) go through the running nas-ledger process\'s read socket; to write, wait for it or stop ' +
        `process ${owner.pid} first (\`run --serve PORT\` shows a run's dashboard). If no nas-ledger process is running, delete ${path}.`,
        { directory, pid: owner.pid });
    }
    // Stale (owner gone) or unreadable (owner died mid-write): remove and try again.
    try { unlinkSync(path); } catch { /* someone else removed it first */ }
  }
  throw new LedgerError('LOCKED', `could not take the lock ${path}`, 'Another process keeps taking it; stop other nas-ledger processes.');
}

function readOwner(path: string): LockOwner | null {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner>;
    return typeof parsed.pid === 'number'
      ? { pid: parsed.pid, hostname: String(parsed.hostname), since: String(parsed.since), startTicks: parsed.startTicks ?? null }
      : null;
  } catch {
    return null;
  }
}

function isAlive(owner: LockOwner): boolean {
  // A lock written on another host (shared volume) cannot be checked; treat it as held.
  if (owner.hostname !== hostname()) return true;
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // The pid exists; it is the owner only if it started when the owner did (pids are recycled, e.g. in containers).
  const now = processStartTicks(owner.pid);
  return !owner.startTicks || !now || now === owner.startTicks;
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot); null where /proc is unavailable. */
function processStartTicks(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; fields after it start behind the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}
