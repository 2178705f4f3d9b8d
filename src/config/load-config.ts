import { readFileSync, existsSync } from 'node:fs';
import { extname } from 'node:path';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_CONFIG, DEFAULT_THRESHOLDS, type ExperimentConfig } from '../../domain/experiment/config';
import { LedgerError } from '../../domain/shared/ledger-error';
import { ExperimentConfigDto } from './experiment-config.dto';

/** What a file or the CLI may set: any subset of the config, nested objects partially. */
export type ConfigOverrides = {
  -readonly [K in keyof ExperimentConfig]?: ExperimentConfig[K] extends object | null
    ? ExperimentConfig[K] extends null | number ? ExperimentConfig[K] : Partial<ExperimentConfig[K]>
    : ExperimentConfig[K];
} & { comment?: string };

/** Reads a JSON or YAML config file (by extension; YAML otherwise, which also parses JSON). */
export function readConfigFile(path: string): Record<string, unknown> {
  if (!existsSync(path)) {
    throw new LedgerError('NOT_FOUND', `config file ${path} does not exist`, 'Pass an existing JSON or YAML file with --config (see configs/).');
  }
  const text = readFileSync(path, 'utf8');
  let value: unknown;
  try {
    value = extname(path).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new LedgerError('BAD_INPUT', `config file ${path} is not valid ${extname(path) === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message}`,
      'Fix the syntax; configs/default.json is a working example.');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new LedgerError('BAD_INPUT', `config file ${path} must hold one object of settings`, 'See configs/default.json for the shape.');
  }
  return value as Record<string, unknown>;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Deep merge of plain objects; arrays and scalars replace. */
function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? merge(current, value) : value;
  }
  return out;
}

/** Every problem, one line each, with the dotted path of the offending key. */
export function flattenValidationErrors(errors: readonly ValidationError[], prefix = ''): string[] {
  const lines: string[] = [];
  for (const error of errors) {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    for (const message of Object.values(error.constraints ?? {})) {
      lines.push(message.startsWith('property ') ? `${path}: unknown key (not a setting)` : `${path}: ${message.replace(`${error.property} `, '')}`);
    }
    if (error.children?.length) lines.push(...flattenValidationErrors(error.children, path));
  }
  return lines;
}

/** Validates a complete config object; all problems are listed in one BAD_INPUT error. */
export function validateConfig(candidate: Record<string, unknown>, source = 'config'): ExperimentConfig {
  const dto = plainToInstance(ExperimentConfigDto, candidate);
  const errors = validateSync(dto as object, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  if (errors.length > 0) {
    const problems = flattenValidationErrors(errors);
    throw new LedgerError('BAD_INPUT', `${source} has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n  - ${problems.join('\n  - ')}`,
      'Fix every listed setting (configs/default.json shows them all with valid values).', { problems });
  }
  const { comment: _comment, ...config } = candidate as Record<string, unknown> & { comment?: string };
  return config as unknown as ExperimentConfig;
}

/**
 * DEFAULT_CONFIG ← file ← CLI overrides, then validation. The admission threshold follows the dataset
 * (DEFAULT_THRESHOLDS) unless the file or the flags set it, or the experiment is the default one (its own τ).
 */
export function loadExperimentConfig(options: { readonly file?: string; readonly overrides?: ConfigOverrides } = {}): ExperimentConfig {
  const fromFile = options.file ? readConfigFile(options.file) : {};
  const overrides = Object.fromEntries(Object.entries(options.overrides ?? {}).filter(([, v]) => v !== undefined));
  let merged = merge(merge(DEFAULT_CONFIG as unknown as Record<string, unknown>, fromFile), overrides);
  const thresholdSet = 'threshold' in fromFile || 'threshold' in overrides;
  const dataset = merged.dataset;
  // The default experiment (default dataset and subset) keeps DEFAULT_CONFIG's τ, tuned for its small subset;
  // any other dataset or subset takes the dataset's τ.
  const isDefaultExperiment = dataset === DEFAULT_CONFIG.dataset && merged.subset === DEFAULT_CONFIG.subset;
  if (!thresholdSet && !isDefaultExperiment && typeof dataset === 'string' && DEFAULT_THRESHOLDS[dataset] !== undefined) {
    merged = { ...merged, threshold: DEFAULT_THRESHOLDS[dataset] };
  }
  // Likewise the compute budget: the default one is sized for the default experiment on a CPU.
  const flopsBudgetSet = 'flopsBudget' in fromFile || 'flopsBudget' in overrides;
  if (!flopsBudgetSet && !isDefaultExperiment) merged = { ...merged, flopsBudget: null };
  // The sim generator, dataset and protocol only make sense together: choosing any of them (`--generator sim`, or
  // `--generator sim --dataset sim`) brings the others along unless they were set too (a mismatch is refused below).
  const chosen = (key: string): boolean => key in fromFile || key in overrides;
  const simParts = ['generator', 'dataset', 'protocol'] as const;
  if (simParts.some((key) => merged[key] === 'sim' && chosen(key))) {
    const aligned: Record<string, unknown> = { ...merged };
    for (const key of simParts) if (!chosen(key)) aligned[key] = 'sim';
    if (!chosen('subset')) aligned.subset = null;
    if (!thresholdSet) aligned.threshold = DEFAULT_THRESHOLDS.sim;
    merged = aligned;
  }
  const config = validateConfig(merged, options.file ? `config ${options.file}` : 'config');
  const problems: string[] = [];
  if ((config.dataset === 'sim') !== (config.protocol === 'sim')) problems.push('protocol: the sim protocol goes with the sim dataset, and only with it');
  if ((config.generator === 'sim') !== (config.dataset === 'sim')) problems.push('generator: the sim generator goes with the sim dataset, and only with it');
  if (problems.length > 0) {
    throw new LedgerError('BAD_INPUT', `config has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n  - ${problems.join('\n  - ')}`,
      'Use generator sim with dataset sim and protocol sim, or a real generator with a real dataset.', { problems });
  }
  return config;
}
