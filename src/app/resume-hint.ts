import { resolve } from 'node:path';
import { DEFAULT_STORE_DIR } from '../ledger/open-event-store';
import { shownStore } from '../ledger/shown-store';

/** A word as a shell reads it back: quoted when it holds anything beyond the safe characters. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** ` --store S`, unless S is the default store (./.nas-ledger); credentials masked. */
function storeFlag(storeUrl: string | undefined): string {
  const isDefault = storeUrl === undefined || (!/^[a-z][a-z0-9+.-]*:/i.test(storeUrl) && resolve(storeUrl) === resolve(DEFAULT_STORE_DIR));
  return isDefault ? '' : ` --store ${shellWord(shownStore(storeUrl))}`;
}

/** The command that continues an experiment; it names the store unless it is the default one (./.nas-ledger). */
export function resumeHint(experimentId: string, storeUrl: string | undefined): string {
  return `nas-ledger resume ${shellWord(experimentId)}${storeFlag(storeUrl)}`;
}

/**
 * The command that carries on with an interrupted review or study (`review`, `study proxy`): its store unless the
 * default, and its bus unless the in-process one (a review's bus is not recorded, so `--resume` alone would run it
 * in process).
 */
export function jobResumeHint(command: string, id: string, storeUrl: string | undefined, busUrl: string | undefined): string {
  const bus = busUrl === undefined || busUrl === 'inproc' ? '' : ` --bus ${shellWord(busUrl)}`;
  return `nas-ledger ${command} --resume ${shellWord(id)}${storeFlag(storeUrl)}${bus}`;
}
