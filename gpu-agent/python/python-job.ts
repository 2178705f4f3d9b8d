import { LedgerError, type ErrorCode, ERROR_CODES } from '../../domain/shared/ledger-error';
import { startPython } from './start-python';

export { llmPython } from './start-python';

/**
 * Runs one gpu-agent/runner script as a one-shot job: the config as JSON on stdin, one JSON answer
 * ({ok, result} | {ok: false, error}) as the last line of stdout. Errors come back as LedgerErrors.
 */
export function runPythonJob<T>(python: string, script: string, config: unknown, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = startPython(script, [], { python, cwd: process.cwd() });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new LedgerError('UNAVAILABLE', `cannot start ${python}: ${error.message}`, 'Run scripts/setup-llm-venv.sh, or set NAS_LEDGER_LLM_PYTHON to a Python with transformers and peft.'));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') { reject(new LedgerError('TIMEOUT', `${script} ran past ${timeoutMs} ms`, 'Raise the timeout or use a smaller model.')); return; }
      const last = stdout.trim().split('\n').pop() ?? '';
      let answer: { ok?: boolean; result?: T; error?: { code?: string; message?: string; hint?: string | null } };
      try { answer = JSON.parse(last) as typeof answer; } catch {
        reject(new LedgerError('INTERNAL', `${script} exited ${String(code)} without a JSON answer: ${stderr.trim().split('\n').slice(-3).join(' | ')}`,
          'Check that the LLM Python environment is complete (scripts/setup-llm-venv.sh).'));
        return;
      }
      if (answer.ok === true && answer.result !== undefined) { resolve(answer.result); return; }
      const errorCode = (answer.error?.code && answer.error.code in ERROR_CODES ? answer.error.code : 'INTERNAL') as ErrorCode;
      reject(new LedgerError(errorCode, `${script}: ${answer.error?.message ?? 'failed'}`, answer.error?.hint ?? undefined));
    });
    child.stdin.end(JSON.stringify(config));
  });
}
