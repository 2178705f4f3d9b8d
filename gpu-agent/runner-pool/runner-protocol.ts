import { LedgerError } from '../../domain/shared/ledger-error';

/**
 * The TypeScript side of the runner's JSON-lines protocol (gpu-agent/runner/wire.py is the Python side;
 * bump both versions together). Every line the runner writes is validated here: unknown keys are refused,
 * so a runner and an agent from different versions fail loudly instead of misreading each other.
 */
/** 2: accuracy, loss and params are computed by the trusted runner, not the sandboxed child; results carry `measurement`. */
export const RUNNER_PROTOCOL_VERSION = 2;

export type RunnerJobKind = 'validate' | 'evaluate' | 'full_train' | 'fingerprint';

/** Plain config values (wire.py CONFIG_TYPES); omitted ones take the runner's defaults. */
export interface RunnerConfig {
  readonly dataset?: string;
  readonly dataRoot?: string | null;
  readonly protocol?: string;
  readonly subset?: number | null;
  readonly valSubset?: number | null;
  readonly seed?: number;
  readonly device?: 'cpu' | 'cuda';
  readonly parameterBudget?: number;
  /** Forward FLOPs per sample; null = no compute budget. */
  readonly flopsBudget?: number | null;
  readonly timeoutS?: number;
  readonly memoryMb?: number | null;
  readonly epochs?: number | null;
  readonly batchSize?: number | null;
  readonly prm?: Readonly<Record<string, number>>;
  /** 'off' skips the policy stage: only the sandbox's own tests use it. */
  readonly policy?: 'on' | 'off';
  readonly threads?: number;
  readonly fingerprint?: boolean;
}

export type Stage = 'passed' | 'parse' | 'policy' | 'instantiate' | 'contract' | 'budget' | 'forward' | 'train' | 'timeout' | 'sandbox';
export const STAGES: readonly Stage[] = ['passed', 'parse', 'policy', 'instantiate', 'contract', 'budget', 'forward', 'train', 'timeout', 'sandbox'];

export interface CapturedOutput {
  readonly stdout: string;
  readonly stderr: string;
  readonly stdoutBytes: number;
  readonly stderrBytes: number;
  readonly truncated: boolean;
}

/**
 * Who produced which number: `trusted` ones the runner computed outside the sandbox (from the child's validation
 * logits and exported tensor shapes); `selfReported` ones were measured inside the candidate's process.
 */
export interface Measurement {
  readonly by: string;
  readonly trusted: readonly string[];
  readonly selfReported: readonly string[];
}

/** A job's outcome: self-describing (code, data, protocol, device, libraries, timings). */
export interface RunnerResult {
  readonly job: RunnerJobKind;
  readonly ok: boolean;
  readonly stage: Stage;
  readonly reason: string | null;
  readonly accuracy: number | null;
  readonly loss: number | null;
  readonly params: number | null;
  readonly flops: number | null;
  /** The training loss learn() returned, if any: self-reported. */
  readonly trainLoss?: number | null;
  readonly measurement?: Measurement;
  readonly codeHash: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly protocol: Readonly<Record<string, unknown>>;
  readonly protocolHash: string;
  readonly dataset: string;
  readonly datasetHash: string | null;
  readonly seed: number;
  readonly device: 'cpu' | 'cuda';
  readonly deviceName: string | null;
  readonly libraries: Readonly<Record<string, string | null>>;
  readonly timings: Readonly<Record<string, number>>;
  /** 'bwrap', or 'rlimits-only' when bubblewrap is unavailable (weaker: no filesystem/network isolation). */
  readonly sandbox: 'bwrap' | 'rlimits-only' | 'not-started';
  readonly sandboxNotes: readonly string[];
  readonly output: CapturedOutput;
  readonly inShape?: readonly number[];
  readonly prm?: Readonly<Record<string, number>>;
  readonly history?: readonly { epoch: number; accuracy: number; loss: number }[];
  readonly graph?: unknown;
}

export interface RunnerHello {
  readonly runner: string;
  readonly protocolVersion: number;
  readonly pid: number;
  readonly sandbox: 'bwrap' | 'rlimits-only';
  readonly sandboxWhy: string | null;
  readonly libraries: Readonly<Record<string, string | null>>;
}

export interface ProbeResult {
  readonly cuda: boolean;
  readonly torchCuda: string | null;
  readonly devices: readonly { index: number; name: string; freeBytes: number; totalBytes: number }[];
  /** Whether the probed config's dataset files are where the runner looks (checked before a run registers). */
  readonly dataset?: { readonly name: string; readonly present: boolean; readonly message: string | null; readonly hint: string | null };
}

export interface RunnerErrorBody {
  readonly code: string;
  readonly message: string;
  readonly hint: string | null;
}

export type RunnerReply =
  | { readonly id: string | null; readonly ok: true; readonly result: unknown }
  | { readonly id: string | null; readonly ok: false; readonly error: RunnerErrorBody };

const RESULT_KEYS = new Set(['job', 'ok', 'stage', 'reason', 'accuracy', 'loss', 'params', 'flops', 'codeHash', 'config',
  'protocol', 'protocolHash', 'dataset', 'datasetHash', 'seed', 'device', 'deviceName', 'libraries', 'timings', 'sandbox',
  'sandboxNotes', 'output', 'inShape', 'prm', 'history', 'graph', 'trainLoss', 'measurement']);
const REQUIRED_RESULT_KEYS = ['job', 'ok', 'stage', 'reason', 'codeHash', 'config', 'protocolHash', 'dataset', 'datasetHash',
  'seed', 'device', 'libraries', 'timings', 'sandbox', 'output'];

export class RunnerProtocolError extends Error {
  override readonly name = 'RunnerProtocolError';
}

function fail(why: string): never {
  throw new RunnerProtocolError(`runner protocol violation: ${why}`);
}

function onlyKeys(value: Record<string, unknown>, allowed: ReadonlySet<string>, what: string): void {
  for (const key of Object.keys(value)) if (!allowed.has(key)) fail(`unknown key "${key}" in ${what}`);
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isNumOrNull = (v: unknown) => v === null || (typeof v === 'number' && Number.isFinite(v));

/** Parses one line from the runner's stdout into a reply; throws RunnerProtocolError on anything unexpected. */
export function parseReply(line: string): RunnerReply {
  let msg: unknown;
  try {
    msg = JSON.parse(line);
  } catch {
    return fail(`not JSON: ${line.slice(0, 120)}`);
  }
  if (!isObject(msg)) return fail('a reply must be an object');
  if (msg.v !== RUNNER_PROTOCOL_VERSION) return fail(`version ${String(msg.v)}, this agent speaks v${RUNNER_PROTOCOL_VERSION}`);
  if (msg.id !== null && typeof msg.id !== 'string') return fail('id must be a string or null');
  if (msg.ok === true) {
    onlyKeys(msg, new Set(['v', 'id', 'ok', 'result']), 'a reply');
    if (!isObject(msg.result)) return fail('result must be an object');
    return { id: msg.id, ok: true, result: msg.result };
  }
  if (msg.ok === false) {
    onlyKeys(msg, new Set(['v', 'id', 'ok', 'error']), 'an error reply');
    const error = msg.error;
    if (!isObject(error) || typeof error.code !== 'string' || typeof error.message !== 'string') return fail('malformed error');
    onlyKeys(error, new Set(['code', 'message', 'hint']), 'an error');
    return { id: msg.id, ok: false, error: { code: error.code, message: error.message, hint: (error.hint as string | null) ?? null } };
  }
  return fail('ok must be true or false');
}

export function validateResult(value: unknown, job: RunnerJobKind): RunnerResult {
  if (!isObject(value)) return fail('result is not an object');
  onlyKeys(value, RESULT_KEYS, 'a job result');
  for (const key of REQUIRED_RESULT_KEYS) if (!(key in value)) fail(`result lacks "${key}"`);
  if (value.job !== job) fail(`result is for job ${String(value.job)}, expected ${job}`);
  if (!STAGES.includes(value.stage as Stage)) fail(`unknown stage ${String(value.stage)}`);
  if (value.ok !== (value.stage === 'passed')) fail('ok disagrees with stage');
  for (const key of ['accuracy', 'loss', 'params', 'flops', 'trainLoss'] as const) if (!isNumOrNull(value[key] ?? null)) fail(`${key} is not a number`);
  if (value.reason !== null && typeof value.reason !== 'string') fail('reason must be text or null');
  if (value.measurement !== undefined) {
    const m = value.measurement;
    if (!isObject(m) || typeof m.by !== 'string' || !Array.isArray(m.trusted) || !Array.isArray(m.selfReported)) fail('measurement is malformed');
  }
  if (typeof value.codeHash !== 'string' || !/^[0-9a-f]{64}$/.test(value.codeHash)) fail('codeHash is not a sha256');
  if (typeof value.protocolHash !== 'string' || !/^[0-9a-f]{64}$/.test(value.protocolHash)) fail('protocolHash is not a sha256');
  if (!isObject(value.timings) || !Object.values(value.timings).every((t) => typeof t === 'number')) fail('timings must map phases to seconds');
  if (!isObject(value.output) || typeof value.output.stdout !== 'string') fail('output is malformed');
  if (value.stage === 'passed' && (job === 'evaluate' || job === 'full_train') && typeof value.accuracy !== 'number') {
    fail('a passed evaluation has no accuracy');
  }
  return value as unknown as RunnerResult;
}

/** Control characters (C0, C1, DEL, line separators, bidirectional overrides), which can disguise stored text. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
export const REASON_LIMIT = 400;

/** A rejection reason as it may be stored: one line, no control characters, at most 400 characters. The runner
 * does the same; this is the agent's own check, so a runner that failed to is still no route into the ledger. */
export function cleanReason(reason: string | null | undefined): string {
  const text = (reason ?? 'no reason given').replace(/[\n\t]/g, ' ').replace(CONTROL, '');
  return Array.from(text).slice(0, REASON_LIMIT).join('');
}

export function validateHello(value: unknown): RunnerHello {
  if (!isObject(value)) return fail('hello is not an object');
  onlyKeys(value, new Set(['runner', 'protocolVersion', 'pid', 'sandbox', 'sandboxWhy', 'libraries']), 'hello');
  if (value.runner !== 'nas-ledger' || value.protocolVersion !== RUNNER_PROTOCOL_VERSION) fail('not a nas-ledger runner of this version');
  if (value.sandbox !== 'bwrap' && value.sandbox !== 'rlimits-only') fail('unknown sandbox mode');
  return value as unknown as RunnerHello;
}

export function validateProbe(value: unknown): ProbeResult {
  if (!isObject(value)) return fail('probe result is not an object');
  onlyKeys(value, new Set(['cuda', 'torchCuda', 'devices', 'dataset']), 'probe');
  if (typeof value.cuda !== 'boolean' || !Array.isArray(value.devices)) fail('probe result is malformed');
  const dataset = value.dataset;
  if (dataset !== undefined && (!isObject(dataset) || typeof dataset.name !== 'string' || typeof dataset.present !== 'boolean')) {
    fail('probe result has a malformed dataset status');
  }
  return value as unknown as ProbeResult;
}

/** Maps a runner's error reply onto the one user-facing error type. */
export function runnerErrorToLedgerError(error: RunnerErrorBody): LedgerError {
  switch (error.code) {
    case 'BAD_REQUEST':
      return new LedgerError('BAD_INPUT', error.message, error.hint ?? 'Check the dataset, protocol and config values.');
    case 'DATASET_MISSING':
      return new LedgerError('NOT_FOUND', error.message, error.hint ?? undefined);
    case 'SANDBOX_UNAVAILABLE':
      return new LedgerError('UNAVAILABLE', error.message, error.hint ?? undefined);
    default:
      return new LedgerError('INTERNAL', `runner: ${error.message}`, 'See the runner output on stderr; this is a bug in nas-ledger.');
  }
}
