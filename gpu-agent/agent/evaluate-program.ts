import { readFileSync, statSync } from 'node:fs';
import { LedgerError } from '../../domain/shared/ledger-error';
import { RunnerPool } from '../runner-pool/runner-pool';
import type { RunnerResult } from '../runner-pool/runner-protocol';
import { checkDataset, checkDevice, checkProtocol } from './catalog';
import { resolveDevice } from './device';

export interface EvaluateProgramOptions {
  readonly file: string;
  readonly dataset: string;
  readonly protocol: string;
  readonly device: string;
  readonly subset: number | null;
  readonly valSubset: number | null;
  readonly seed: number;
  readonly parameterBudget: number;
  /** Forward FLOPs per sample; null or absent = no compute budget. */
  readonly flopsBudget?: number | null;
  readonly timeoutS: number;
  readonly validateOnly: boolean;
  readonly epochs?: number | null;
  readonly threads?: number;
  readonly log?: (line: string) => void;
}

/** The runner's limit on a program's source (wire.py MAX_CODE_BYTES). */
export const MAX_CODE_BYTES = 256 * 1024;

/** What `nas-ledger evaluate` prints: the runner's self-describing result, flattened for reading. */
export interface EvaluationReport {
  readonly ok: boolean;
  readonly stage: RunnerResult['stage'];
  readonly reason: string | null;
  readonly accuracy: number | null;
  readonly loss: number | null;
  readonly params: number | null;
  readonly flops: number | null;
  readonly device: string;
  readonly deviceName: string | null;
  readonly codeHash: string;
  readonly dataset: string;
  readonly datasetHash: string | null;
  readonly protocol: string;
  readonly protocolHash: string;
  readonly seed: number;
  readonly sandbox: RunnerResult['sandbox'];
  readonly sandboxNotes: readonly string[];
  readonly timings: Readonly<Record<string, number>>;
  readonly libraries: Readonly<Record<string, string | null>>;
  readonly history?: RunnerResult['history'];
  readonly output: RunnerResult['output'];
}

/** Runs one program through the same sandbox, stages and protocol as the agent; writes nothing to any ledger. */
export async function evaluateProgram(options: EvaluateProgramOptions): Promise<EvaluationReport> {
  const log = options.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const dataset = checkDataset(options.dataset);
  const protocol = checkProtocol(options.protocol);
  const { request, visibleGpu } = checkDevice(options.device);
  if (options.epochs != null && protocol !== 'full') {
    throw new LedgerError('BAD_INPUT', `--epochs applies to the full protocol, not ${protocol}`, 'Add --protocol full.');
  }
  let code: string;
  try {
    // checked before reading: the runner takes at most MAX_CODE_BYTES, and a huge file must not be read whole
    const bytes = statSync(options.file).size;
    if (bytes > MAX_CODE_BYTES) {
      throw new LedgerError('TOO_LARGE', `${options.file} is ${bytes} bytes; a candidate program may be at most ${MAX_CODE_BYTES / 1024} KiB`,
        `Pass the program's source only (at most ${MAX_CODE_BYTES / 1024} KiB, the runner's limit on code).`);
    }
    code = readFileSync(options.file, 'utf8');
  } catch (error) {
    if (error instanceof LedgerError) throw error;
    throw new LedgerError('NOT_FOUND', `cannot read ${options.file}: ${(error as Error).message}`, 'Pass the path of a Python file.');
  }
  const pool = await RunnerPool.start({ size: 1, env: visibleGpu === null ? {} : { CUDA_VISIBLE_DEVICES: visibleGpu }, log: (l) => log(`runner: ${l}`) });
  try {
    const device = await resolveDevice(request, () => pool.probe(), log);
    const job = options.validateOnly ? 'validate' : protocol === 'full' ? 'full_train' : 'evaluate';
    const r = await pool.run(job, code, {
      dataset, protocol, device: device.device, subset: options.subset, valSubset: options.valSubset, seed: options.seed,
      parameterBudget: options.parameterBudget, flopsBudget: options.flopsBudget ?? null, timeoutS: options.timeoutS,
      epochs: options.epochs ?? null, threads: options.threads ?? 1,
    });
    return {
      // the same keys whatever stage ended the job: a timeout has no numbers, so they are null, never missing
      ok: r.ok, stage: r.stage, reason: r.reason, accuracy: r.accuracy ?? null, loss: r.loss ?? null, params: r.params ?? null, flops: r.flops ?? null,
      device: r.device, deviceName: r.deviceName, codeHash: r.codeHash, dataset: r.dataset, datasetHash: r.datasetHash,
      protocol, protocolHash: r.protocolHash, seed: r.seed, sandbox: r.sandbox, sandboxNotes: r.sandboxNotes,
      timings: r.timings, libraries: r.libraries, ...(r.history ? { history: r.history } : {}), output: r.output,
    };
  } finally {
    await pool.close();
  }
}
