/**
 * The read models narrow recorded events through the domain's one helper (domain/experiment/ledger-event.ts);
 * re-exported here so the projections keep importing from their shared folder.
 */
export { asLedgerEvent, experimentIdOf } from '../../domain/experiment/ledger-event';
