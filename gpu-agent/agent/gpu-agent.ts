import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { JobHandler } from '../../src/bus/agent-bus.port';
import type { EventStore } from '../../src/ledger/event-store.port';
import { RunnerPool } from '../runner-pool/runner-pool';
import { RunnerProcess } from '../runner-pool/runner-process';
import { validateProbe } from '../runner-pool/runner-protocol';
import { checkDevice } from './catalog';
import { resolveDevice, type ResolvedDevice } from './device';
import { createEvaluateHandler } from './evaluate-handler';
import { defaultRegistry, type JobHandlerRegistry } from './job-handlers';

export interface GpuAgentOptions {
  readonly store: EventStore;
  /** cpu | cuda | auto | cuda:<n>. */
  readonly device: string;
  /** Concurrent runners; default: CPU cores, or GPU memory in ~6 GiB slices. */
  readonly workers?: number;
  readonly agentId?: string;
  /** Directories candidates must not see besides $HOME and ./.nas-ledger (the store's directory, for one). */
  readonly hide?: readonly string[];
  readonly valSubset?: number | null;
  readonly timeoutS?: number;
  readonly threads?: number;
  readonly dataRoot?: string | null;
  readonly registry?: JobHandlerRegistry;
  readonly log?: (line: string) => void;
  readonly now?: () => Date;
}

export interface GpuAgent {
  readonly agentId: string;
  readonly device: ResolvedDevice;
  readonly pool: RunnerPool;
  /** Routes a job to the handler registered for its kind ('evaluate' here; the generators add theirs). */
  readonly handler: JobHandler;
  close(): Promise<void>;
}

/**
 * Resolves the device (cuda without a GPU fails here, at start-up), starts the runner pool and registers the
 * 'evaluate' handler. Plug `handler` into the bus through src/app/local-agent.ts (startLocalAgent's realHandler),
 * which adds the ledger's job claims.
 */
export async function createGpuAgent(options: GpuAgentOptions): Promise<GpuAgent> {
  const log = options.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const { request, visibleGpu } = checkDevice(options.device);
  const env: Record<string, string> = {};
  if (visibleGpu !== null) env.CUDA_VISIBLE_DEVICES = visibleGpu;
  const hide = [...(options.hide ?? []), ...(process.env.NAS_LEDGER_HIDE ? [process.env.NAS_LEDGER_HIDE] : [])];
  if (hide.length) env.NAS_LEDGER_HIDE = hide.join(':');
  const runnerOptions = { env, log: (line: string) => log(`runner: ${line}`) };
  const device = await resolveDevice(request, async () => {
    const probeRunner = await RunnerProcess.start(runnerOptions);
    try {
      const reply = await probeRunner.request('probe', null, {}, 120_000);
      if (!reply.ok) throw new Error(reply.error.message);
      return validateProbe(reply.result);
    } finally {
      await probeRunner.shutdown();
    }
  }, log);
  const workers = options.workers ?? device.suggestedWorkers;
  const pool = await RunnerPool.start({ ...runnerOptions, size: workers });
  const agentId = options.agentId ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 6)}`;
  log(`nas-ledger agent ${agentId}: ${workers} runner(s) on ${device.name}, sandbox ${pool.hello.sandbox}`);
  const registry = options.registry ?? defaultRegistry;
  registry.register('evaluate', createEvaluateHandler({
    store: options.store, pool, agentId, device: device.device, valSubset: options.valSubset, timeoutS: options.timeoutS,
    threads: options.threads, dataRoot: options.dataRoot, now: options.now, log,
  }));
  return { agentId, device, pool, handler: registry.dispatch, close: () => pool.close() };
}
