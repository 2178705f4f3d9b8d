import { LedgerError } from '../../domain/shared/ledger-error';
import { RunnerFailure, RunnerProcess, type RunnerProcessOptions } from './runner-process';
import {
  RunnerProtocolError, runnerErrorToLedgerError, validateProbe, validateResult, type ProbeResult, type RunnerConfig, type RunnerHello,
  type RunnerJobKind, type RunnerResult,
} from './runner-protocol';

export interface RunnerPoolOptions extends RunnerProcessOptions {
  /** Number of long-lived runners, i.e. jobs in flight at once. */
  readonly size: number;
  /** Attempts per job when runners crash or hang under it (each on a fresh runner). */
  readonly maxAttempts?: number;
  /** Seconds on top of a job's own timeoutS before the runner itself counts as hung. */
  readonly hangGraceS?: number;
}

const DEFAULT_TIMEOUT_S = 600;

/**
 * A pool of long-lived Python runners. A runner that crashes, hangs or breaks the protocol is killed and replaced;
 * the job it was running is retried on a fresh runner, up to maxAttempts, and then fails with a LedgerError that
 * says so. A job always ends in a result or an error, never in silence.
 */
export class RunnerPool {
  private readonly idle: RunnerProcess[] = [];
  private readonly waiting: ((runner: RunnerProcess) => void)[] = [];
  private readonly all = new Set<RunnerProcess>();
  private closed = false;
  /** Runners replaced after a crash or hang (for diagnostics and tests). */
  replaced = 0;

  private constructor(private readonly options: RunnerPoolOptions, first: RunnerHello) {
    this.hello = first;
  }

  /** The first runner's greeting: its sandbox mode and library versions. */
  readonly hello: RunnerHello;

  static async start(options: RunnerPoolOptions): Promise<RunnerPool> {
    if (!Number.isInteger(options.size) || options.size < 1) {
      throw new LedgerError('BAD_INPUT', `the runner pool needs at least one runner, got ${options.size}`, 'Pass --workers 1 or more.');
    }
    const runners = await Promise.all(Array.from({ length: options.size }, () => startRunner(options)));
    const pool = new RunnerPool(options, runners[0]!.hello);
    for (const runner of runners) {
      pool.all.add(runner);
      pool.idle.push(runner);
    }
    if (pool.hello.sandbox !== 'bwrap') {
      (options.log ?? ((l: string) => process.stderr.write(l + '\n')))(
        `WARNING: runners use the weak 'rlimits-only' sandbox (${pool.hello.sandboxWhy}); candidate code is NOT isolated from files or network`);
    }
    return pool;
  }

  get size(): number {
    return this.options.size;
  }

  /** Runs one job; resolves with the validated result (which may be a rejection at some stage). */
  async run(job: RunnerJobKind, code: string, config: RunnerConfig): Promise<RunnerResult> {
    const timeoutMs = ((config.timeoutS ?? DEFAULT_TIMEOUT_S) + (this.options.hangGraceS ?? 30)) * 1000;
    const reply = await this.withRunner((runner) => runner.request(job, code, config as Record<string, unknown>, timeoutMs));
    try {
      return validateResult(reply, job);
    } catch (error) {
      if (error instanceof RunnerProtocolError) {
        throw new LedgerError('INTERNAL', error.message, 'The runner and the agent disagree on the protocol; rebuild both from one checkout.');
      }
      throw error;
    }
  }

  /** Device facts (CUDA availability, free memory) and whether `config`'s dataset is in place, asked of one runner. */
  async probe(config: Pick<RunnerConfig, 'dataset' | 'dataRoot'> = {}): Promise<ProbeResult> {
    return validateProbe(await this.withRunner((runner) => runner.request('probe', null, config, 120_000)));
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.all].map((r) => r.shutdown()));
    this.all.clear();
    this.idle.length = 0;
  }

  /** Kills one idle runner from outside (tests use it to prove replacement). */
  killOne(): number | undefined {
    const runner = this.idle[0];
    runner?.kill();
    return runner?.pid;
  }

  private async withRunner(use: (runner: RunnerProcess) => Promise<import('./runner-protocol').RunnerReply>): Promise<unknown> {
    const attempts = this.options.maxAttempts ?? 2;
    let lastFailure: RunnerFailure | null = null;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const runner = await this.acquire();
      let reply: import('./runner-protocol').RunnerReply;
      try {
        reply = await use(runner);
      } catch (error) {
        if (!(error instanceof RunnerFailure)) {
          if (runner.alive) this.release(runner);
          else this.replace(runner);
          throw error;
        }
        lastFailure = error;
        this.replace(runner);
        (this.options.log ?? (() => undefined))(`runner ${runner.pid} ${error.kind}: ${error.message}; replaced (attempt ${attempt} of ${attempts})`);
        continue;
      }
      this.release(runner);
      if (!reply.ok) throw runnerErrorToLedgerError(reply.error);
      return reply.result;
    }
    throw new LedgerError('UNAVAILABLE', `the job failed on ${attempts} runners in a row: ${lastFailure?.message}`,
      'The runner pool replaced the runners; if this repeats for one program, that program crashes the runner itself — report it.',
      { kind: lastFailure?.kind });
  }

  private async acquire(): Promise<RunnerProcess> {
    if (this.closed) throw new LedgerError('UNAVAILABLE', 'the runner pool is closed');
    for (;;) {
      const runner = this.idle.pop() ?? await new Promise<RunnerProcess>((resolve) => this.waiting.push(resolve));
      if (runner.alive) return runner;
      this.replace(runner); // died while idle
    }
  }

  private release(runner: RunnerProcess): void {
    if (this.closed) {
      void runner.shutdown();
      return;
    }
    const next = this.waiting.shift();
    if (next) next(runner);
    else this.idle.push(runner);
  }

  /** Kills a failed runner and starts its replacement in the background. */
  private replace(runner: RunnerProcess): void {
    runner.kill();
    if (!this.all.delete(runner)) return;
    this.replaced++;
    if (this.closed) return;
    const restart = (delayMs: number): void => {
      startRunner(this.options).then((fresh) => {
        if (this.closed) return void fresh.shutdown();
        this.all.add(fresh);
        this.release(fresh);
      }, (error: unknown) => {
        (this.options.log ?? ((l: string) => process.stderr.write(l + '\n')))(`runner restart failed: ${String(error)}; retrying`);
        setTimeout(() => restart(Math.min(30_000, delayMs * 2)), delayMs).unref();
      });
    };
    restart(500);
  }
}

function startRunner(options: RunnerProcessOptions): Promise<RunnerProcess> {
  return RunnerProcess.start(options).catch((error: unknown) => {
    if (error instanceof RunnerFailure) {
      throw new LedgerError('UNAVAILABLE', `cannot start the PyTorch runner: ${error.message}`,
        'Install python3 with torch (Debian: python3-torch, python3-torchvision, python3-scipy) or set NAS_LEDGER_PYTHON.');
    }
    throw error;
  });
}
