import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The directory that holds gpu-agent/runner/ (the Python the agent starts) and gpu-agent/seed-corpus/. Found by
 * walking up from this file, so the compiled agent (dist/gpu-agent/…) and the sources (gpu-agent/…) agree.
 */
export function agentCheckout(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'gpu-agent', 'runner', 'runner.py'))) return dir;
    if (dirname(dir) === dir) throw new Error(`cannot find gpu-agent/runner/runner.py above ${from}`);
  }
}
