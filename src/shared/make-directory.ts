import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * `mkdir -p` that fails instead of spinning. Node's `mkdirSync(path, { recursive: true })` loops forever, in C++
 * where no signal handler can run, when the kernel answers ENOENT for a parent that exists (/proc, /sys, some
 * FUSE mounts). Each missing level is created on its own; the first failure is thrown as it is (ENOENT, EACCES,
 * ENOTDIR, EROFS...), and an existing non-directory is ENOTDIR.
 */
export function makeDirectory(path: string): void {
  const missing: string[] = [];
  let at = resolve(path);
  while (!existsSync(at)) {
    missing.push(at);
    const parent = dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (const directory of missing.reverse()) {
    try {
      mkdirSync(directory);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  if (!statSync(resolve(path)).isDirectory()) {
    throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${path}'`), { code: 'ENOTDIR', path });
  }
}
