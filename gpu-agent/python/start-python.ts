import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { agentCheckout } from './checkout';

/**
 * Every Python process nas-ledger starts is started here: the long-lived runners of the pool, one-shot jobs such as
 * LLM generation and LoRA fine-tunes, and the structural fingerprint. One place decides the interpreter, the working
 * directory, the environment and the pipes, so a change to any of them (a container entry point, an unbuffered
 * stdout, a hidden variable) reaches every Python process at once.
 */

/** The runner's Python (Debian's python3-torch): $NAS_LEDGER_PYTHON, else /usr/bin/python3. */
export const defaultPython = (): string => process.env.NAS_LEDGER_PYTHON || '/usr/bin/python3';

/** The Python that has transformers and peft: $NAS_LEDGER_LLM_PYTHON, else .cache/llm-venv (scripts/setup-llm-venv.sh), else python3. */
export function llmPython(explicit?: string): string {
  if (explicit) return explicit;
  const env = process.env.NAS_LEDGER_LLM_PYTHON;
  if (env) return env;
  const venv = join(agentCheckout(), '.cache', 'llm-venv', 'bin', 'python');
  return existsSync(venv) ? venv : 'python3';
}

/** A script of gpu-agent/runner/ by file name. */
export const runnerScriptPath = (script: string): string => join(agentCheckout(), 'gpu-agent', 'runner', script);

export interface StartPythonOptions {
  /** The interpreter; default defaultPython(). */
  readonly python?: string;
  /** The whole command instead of `python -u -B script args…` (a wrapper such as a container entry point). */
  readonly command?: readonly [string, ...string[]];
  /** Added to this process's environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** Working directory; default the checkout's root. One-shot jobs given a user's relative paths pass the caller's. */
  readonly cwd?: string;
}

/** Starts `python -u -B <gpu-agent/runner/script> args…` (in the checkout's root by default), with all three pipes open. */
export function startPython(script: string, args: readonly string[] = [], options: StartPythonOptions = {}): ChildProcessWithoutNullStreams {
  const [file, ...rest] = options.command ?? [options.python ?? defaultPython(), '-u', '-B', runnerScriptPath(script), ...args];
  return spawn(file, rest, {
    cwd: options.cwd ?? agentCheckout(), env: { ...process.env, PYTHONUNBUFFERED: '1', ...options.env }, stdio: ['pipe', 'pipe', 'pipe'],
  });
}
