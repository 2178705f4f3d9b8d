import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { defaultPython, startPython } from '../python/start-python';
import {
  RUNNER_PROTOCOL_VERSION, RunnerProtocolError, parseReply, validateHello, type RunnerHello, type RunnerReply,
} from './runner-protocol';

/** Why a runner could not answer: it exited, it stopped answering, or it broke the protocol. */
export class RunnerFailure extends Error {
  override readonly name = 'RunnerFailure';
  constructor(readonly kind: 'crashed' | 'hung' | 'protocol' | 'start', message: string) {
    super(message);
  }
}

export interface RunnerProcessOptions {
  /** Python interpreter; default $NAS_LEDGER_PYTHON or /usr/bin/python3 (Debian's python3-torch). */
  readonly python?: string;
  /** The whole command instead of `python -u runner.py` (a wrapper such as a container entry point). */
  readonly command?: readonly [string, ...string[]];
  readonly env?: Readonly<Record<string, string>>;
  readonly startTimeoutMs?: number;
  /** Receives the runner's stderr, line by line (warnings such as a weak sandbox). */
  readonly log?: (line: string) => void;
}

export { defaultPython } from '../python/start-python';

interface Pending {
  readonly id: string;
  readonly resolve: (reply: RunnerReply) => void;
  readonly reject: (error: RunnerFailure) => void;
  readonly timer: NodeJS.Timeout;
}

/** One long-lived Python runner speaking JSON lines; one request at a time (the pool serialises). */
export class RunnerProcess {
  private pending: Pending | null = null;
  private exited = false;
  private sequence = 0;
  private failure: RunnerFailure | null = null;

  private constructor(private readonly child: ChildProcessWithoutNullStreams, readonly hello: RunnerHello) {}

  static start(options: RunnerProcessOptions = {}): Promise<RunnerProcess> {
    const log = options.log ?? ((line: string) => process.stderr.write(`runner: ${line}\n`));
    const child = startPython('runner.py', [], options);
    createInterface({ input: child.stderr }).on('line', (line) => log(line.slice(0, 2000)));
    const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
    return new Promise((resolve, reject) => {
      let runner: RunnerProcess | null = null;
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new RunnerFailure('start', `the runner did not start within ${options.startTimeoutMs ?? 60_000} ms`));
      }, options.startTimeoutMs ?? 60_000);
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(new RunnerFailure('start', `cannot start ${options.python ?? defaultPython()}: ${error.message}`));
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        if (runner) runner.onExit(code, signal);
        else reject(new RunnerFailure('start', `the runner exited during start-up (${signal ?? `status ${code}`})`));
      });
      lines.on('line', (line) => {
        if (runner) return runner.onLine(line);
        clearTimeout(timer);
        try {
          const reply = parseReply(line);
          if (!reply.ok) throw new RunnerFailure('start', `${reply.error.code}: ${reply.error.message}`);
          runner = new RunnerProcess(child, validateHello(reply.result));
          resolve(runner);
        } catch (error) {
          child.kill('SIGKILL');
          reject(error instanceof RunnerFailure ? error : new RunnerFailure('start', (error as Error).message));
        }
      });
    });
  }

  get alive(): boolean {
    return !this.exited && this.failure === null;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Sends one request; rejects with RunnerFailure if the runner dies, breaks the protocol or exceeds timeoutMs. */
  request(job: string, code: string | null, config: Readonly<Record<string, unknown>>, timeoutMs: number): Promise<RunnerReply> {
    if (!this.alive) return Promise.reject(this.failure ?? new RunnerFailure('crashed', 'the runner has exited'));
    if (this.pending) return Promise.reject(new Error('RunnerProcess.request while another request is in flight'));
    const id = `${this.child.pid}-${++this.sequence}`;
    const message = { v: RUNNER_PROTOCOL_VERSION, id, job, ...(code === null ? {} : { code }), config };
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(new RunnerFailure('hung', `the runner did not answer ${job} within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      this.pending = { id, resolve, reject, timer };
      this.child.stdin.write(JSON.stringify(message) + '\n');
    });
  }

  /** Kills the runner (and with it, through --die-with-parent and process groups, any sandboxed child). */
  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }

  async shutdown(timeoutMs = 5000): Promise<void> {
    if (!this.alive) return;
    const done = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin.end(JSON.stringify({ v: RUNNER_PROTOCOL_VERSION, id: 'shutdown', job: 'shutdown' }) + '\n');
    const timer = setTimeout(() => this.kill(), timeoutMs);
    await done;
    clearTimeout(timer);
  }

  private onLine(line: string): void {
    let reply: RunnerReply;
    try {
      reply = parseReply(line);
    } catch (error) {
      return this.fail(new RunnerFailure('protocol', (error as RunnerProtocolError).message));
    }
    const pending = this.pending;
    if (!pending || (reply.id !== pending.id && reply.id !== null)) {
      return this.fail(new RunnerFailure('protocol', `unexpected reply id ${String(reply.id)}`));
    }
    clearTimeout(pending.timer);
    this.pending = null;
    pending.resolve(reply);
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.exited = true;
    this.fail(new RunnerFailure('crashed', `the runner exited (${signal ?? `status ${code}`})`));
  }

  private fail(failure: RunnerFailure): void {
    if (this.failure === null) this.failure = failure;
    const pending = this.pending;
    this.pending = null;
    if (pending) {
      clearTimeout(pending.timer);
      pending.reject(failure);
    }
    this.kill();
  }
}
