import type { EventStore } from './event-store.port';
import { RESTORE_HINT } from './read-verifier';
import type { IntegrityReport, VerifiedSince } from './sql/sql-event-store';
import { LedgerError } from '../../domain/shared/ledger-error';

interface VerifiesSince {
  verifySinceLastVerified(): Promise<VerifiedSince>;
  verifyDerived(head: number): Promise<IntegrityReport>;
}

/**
 * What run and resume call before they append: verifies the chain from the position the last run verified (recorded
 * in the store) to the head and records the head, then checks the snapshots and checkpoints. Throws LedgerError
 * INTEGRITY (exit status 6) naming the first position that fails, so nothing is appended on a store that fails its
 * hash. Null for a store without a chain.
 */
export async function verifyLogBeforeAppending(store: EventStore): Promise<VerifiedSince | null> {
  const sql = store as Partial<VerifiesSince>;
  if (typeof sql.verifySinceLastVerified !== 'function' || typeof sql.verifyDerived !== 'function') return null;
  const verified = await sql.verifySinceLastVerified();
  const derived = await sql.verifyDerived(verified.head);
  const snapshot = derived.snapshots.failures[0];
  if (snapshot) {
    throw new LedgerError('INTEGRITY',
      `the snapshot of ${snapshot.projection} (${snapshot.projectionVersion}) at position ${snapshot.position} fails its hash: ${snapshot.reason}; nothing was appended`,
      'Someone changed the store behind nas-ledger. Snapshots are caches of the log: once you know what happened, ' +
      '`nas-ledger events verify --drop-bad-snapshots` deletes those that fail (queries rebuild them by replay). ' + RESTORE_HINT,
      { position: snapshot.position, projection: snapshot.projection });
  }
  const checkpoint = derived.checkpoints.failures[0];
  if (checkpoint) {
    throw new LedgerError('INTEGRITY', `checkpoint ${checkpoint.name} is at position ${checkpoint.position}, beyond the head ${verified.head}; nothing was appended`,
      'The log lost events its readers had seen, or the checkpoint was edited. ' + RESTORE_HINT, { position: checkpoint.position, name: checkpoint.name });
  }
  return verified;
}
