import { sha256Hex } from '../shared/canonical-json';
import type { ProtocolValues } from './events';

/**
 * The protocol values an evaluation records (CandidateEvaluated.protocolValues) and the check that they are the ones
 * its protocolHash covers. The runner computes the hash in Python (gpu-agent/runner/protocols.py: sha256 of
 * `json.dumps(value, sort_keys=True, separators=(',', ':'))`); resolving a config into values stays there alone
 * (protocol_search.py searches configs for an old event). Here only the serialization is mirrored, so a reviewer can
 * check recorded values against the recorded hash without starting Python.
 */

/** Python's float repr from JavaScript's shortest round-trip digits: positional for 1e-4 <= |x| < 1e16, else d.ddde±XX. */
function pythonFloat(x: number): string {
  const [mantissa, exponentText] = x.toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const sign = negative ? '-' : '';
  if (exponent < -4 || exponent >= 16) {
    const body = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exponent).toString().padStart(2, '0');
    return `${sign}${body}e${exponent < 0 ? '-' : '+'}${e}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const fraction = digits.slice(exponent + 1);
  return `${sign}${whole}.${fraction === '' ? '0' : fraction}`;
}

/** A JSON string as Python writes it by default (ensure_ascii): every non-ASCII code unit escaped as \uXXXX. */
function pythonString(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * `json.dumps(value, sort_keys=True, separators=(',', ':'))` for JSON values read back in JavaScript. One ambiguity
 * remains: a Python float with an integral value (1.0) reads back as 1 and is written as an integer here; the
 * protocol's own floats (lr 0.01, momentum 0.9, dropout 0.2) are not integral, and a job's prm sent from TypeScript
 * arrive in Python as ints when integral, so recorded values hash the same.
 */
export function pythonJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
    return Number.isInteger(value) && Math.abs(value) < 1e16 ? value.toFixed(0) : pythonFloat(value);
  }
  if (typeof value === 'string') return pythonString(value);
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${pythonString(k)}:${pythonJson(v)}`).join(',')}}`;
  }
  throw new TypeError(`not a JSON value: ${typeof value}`);
}

/** The protocolHash the runner would record for these values. */
export const protocolValuesHash = (values: ProtocolValues): string => sha256Hex(pythonJson(values));

/** Whether recorded values are exactly the ones `protocolHash` covers. */
export const protocolValuesMatch = (values: ProtocolValues, protocolHash: string): boolean => protocolValuesHash(values) === protocolHash;

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isIntOrNull = (v: unknown): boolean => v === null || isInt(v);

/**
 * The runner's resolved protocol (RunnerResult.protocol) as ProtocolValues, or null when it lacks a named key or has
 * one of the wrong type (an older runner): a wrong record is worse than none, since a review trusts it.
 */
export function protocolValuesFrom(value: unknown): ProtocolValues | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const v = value as Record<string, unknown>;
  const prm = v.prm;
  const prmOk = prm !== null && typeof prm === 'object' && !Array.isArray(prm) && Object.values(prm).every((x) => typeof x === 'number');
  const ok = typeof v.name === 'string' && isInt(v.version) && typeof v.dataset === 'string' && isIntOrNull(v.subset) && isIntOrNull(v.valSubset)
    && isInt(v.batchSize) && isInt(v.evalBatchSize) && isInt(v.epochs) && typeof v.pipeline === 'string' && isInt(v.cropPad)
    && isIntOrNull(v.resize) && typeof v.amp === 'boolean' && prmOk && typeof v.fixedPrm === 'boolean' && isInt(v.seed)
    && (v.cpuThreads === undefined || isInt(v.cpuThreads)) && (v.measuredBy === undefined || typeof v.measuredBy === 'string')
    && isInt(v.loaderWorkers);
  return ok ? (v as ProtocolValues) : null;
}

/** The settings a reader asks about, under the issue's names: threads is null where the hash leaves it out (a GPU). */
export interface ProtocolSettings {
  readonly subset: number | null;
  readonly valSubset: number | null;
  readonly batchSize: number;
  readonly epochs: number;
  readonly augmentation: { readonly pipeline: string; readonly cropPad: number; readonly resize: number | null };
  readonly prm: Readonly<Record<string, number>>;
  readonly seed: number;
  readonly threads: number | null;
}

export function protocolSettingsOf(values: ProtocolValues): ProtocolSettings {
  return {
    subset: values.subset, valSubset: values.valSubset, batchSize: values.batchSize, epochs: values.epochs,
    augmentation: { pipeline: values.pipeline, cropPad: values.cropPad, resize: values.resize }, prm: values.prm, seed: values.seed,
    threads: values.cpuThreads ?? null,
  };
}
