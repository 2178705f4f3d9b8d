import { availableParallelism } from 'node:os';
import { LedgerError } from '../../domain/shared/ledger-error';
import type { ProbeResult } from '../runner-pool/runner-protocol';
import type { DeviceRequest } from './catalog';

export interface ResolvedDevice {
  readonly device: 'cpu' | 'cuda';
  readonly name: string;
  /** Concurrent runners this device supports: CPU cores, or GPU memory in ~6 GiB slices (several candidates per GPU). */
  readonly suggestedWorkers: number;
}

const GPU_SLICE_BYTES = 6 * 1024 ** 3;
const MAX_GPU_WORKERS = 8;

/**
 * `cuda` without a GPU fails loudly; `auto` falls back to the CPU and says so on the log (stderr).
 * `probe` is only called when the answer depends on it (the runner imports torch to answer).
 */
export async function resolveDevice(requested: DeviceRequest, probe: () => Promise<ProbeResult>, log: (line: string) => void): Promise<ResolvedDevice> {
  const cpu: ResolvedDevice = { device: 'cpu', name: 'cpu', suggestedWorkers: Math.max(1, availableParallelism()) };
  if (requested === 'cpu') return cpu;
  const facts = await probe();
  const gpu = facts.devices[0];
  if (facts.cuda && gpu) {
    const workers = Math.max(1, Math.min(MAX_GPU_WORKERS, Math.floor(gpu.freeBytes / GPU_SLICE_BYTES)));
    return { device: 'cuda', name: gpu.name, suggestedWorkers: workers };
  }
  if (requested === 'cuda') {
    throw new LedgerError('UNAVAILABLE', `--device cuda was requested but torch sees no CUDA device (torch CUDA build: ${facts.torchCuda ?? 'none'})`,
      'Run on a machine with an NVIDIA GPU and a CUDA build of torch (set NAS_LEDGER_PYTHON to its interpreter), or use --device cpu / auto.');
  }
  log('nas-ledger: --device auto: no CUDA device found, running on the CPU');
  return cpu;
}
