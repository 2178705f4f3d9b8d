import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The checkout's root (where package.json lives), found from compiled or source locations alike. */
export function repoRoot(start: string = __dirname): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'gpu-agent'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the nas-ledger checkout above ${start}`);
    dir = parent;
  }
}
