import { chmodSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { makeDirectory } from '../../shared/make-directory';

/** The folder in the ledger directory that holds the socket: owner-only (0700), so no other user can connect. */
export const READ_SOCKET_DIR = 'read-socket';
export const READ_SOCKET_FILE = 'ledger.sock';

/** Unix socket paths are limited to 108 bytes (sun_path) on Linux, 104 on macOS. */
const MAX_SOCKET_PATH_BYTES = 100;

export function readSocketPath(directory: string): string {
  return join(directory, READ_SOCKET_DIR, READ_SOCKET_FILE);
}

/** Whether the socket's path fits in sun_path; a ledger directory nested too deep is served without one. */
export function socketPathFits(path: string): boolean {
  return Buffer.byteLength(path) <= MAX_SOCKET_PATH_BYTES;
}

/**
 * Creates the socket's folder owner-only before anything is bound in it (a later chmod of the socket itself would
 * leave a moment in which another user could connect). A folder left by an earlier process is tightened again.
 */
export function prepareSocketDirectory(directory: string): void {
  const folder = join(directory, READ_SOCKET_DIR);
  makeDirectory(folder);
  if (!lstatSync(folder).isDirectory()) throw new Error(`${folder} is not a directory`);
  chmodSync(folder, 0o700);
}
