import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { CorpusEntry } from '../../../domain/experiment/events';
import { sha256Hex } from '../../../domain/shared/canonical-json';
import { LedgerError } from '../../../domain/shared/ledger-error';
import { artifactDirFor } from '../../ledger/artifact-store';
import { createGenerator, importLemurCorpus, loadSeedCorpus, type GeneratedProgram } from '../../app/agent-wiring';
import { intOption, log, printJson, printLine } from '../cli-context';
import { makeDirectory } from '../../shared/make-directory';

interface GenerateOptions {
  generator: string;
  n: number;
  seed: number;
  delta?: boolean;
  generatorVersion?: string;
  version?: string;
  out: string;
  json?: boolean;
  dataset: string;
  budget: number;
  parents?: string;
  lemur?: string;
  artifacts?: string;
  device: string;
}

export function register(program: Command): void {
  program.command('generate')
    .description('Writes candidate programs from a generator into a directory, outside any experiment.\n' +
      'SPEC: grammar | llm:<local model dir> | openai:<base url>#<model>. Same seed and version: same programs.\n' +
      'Files: <index>-<codeHash12>.py per program (plus .diff in delta mode); <index>-rejected.txt holds an output\n' +
      'that could not be turned into a program. JSON: an array of {index, file, codeHash, generatorVersion, parent,\n' +
      'diffFile, outputTokens, failure, deltaFallback}; deltaFallback: --delta was asked but the program\n' +
      'was written in full (no parent the generator can mutate; also said on stderr).')
    .requiredOption('--generator <spec>', 'grammar | llm:<path> | openai:<url>#<model>')
    .requiredOption('--out <dir>', 'directory to write the programs to (created if missing)')
    .option('--n <count>', 'how many programs', intOption('--n', 1), 8)
    .option('--seed <seed>', 'generation seed', intOption('--seed', 0), 42)
    .option('--delta', 'propose unified diffs against parents (from --parents, --lemur or the seed corpus)')
    .option('--version <version>', 'generator version to load (default: the initial one)')
    .option('--generator-version <version>', 'the same as --version')
    .option('--dataset <name>', 'dataset named in the prompt and shapes', 'fashion-mnist')
    .option('--budget <params>', 'parameter budget', intOption('--budget', 1), 500_000)
    .option('--parents <dir>', 'delta parents: the .py files of a directory (e.g. an earlier --out)')
    .option('--lemur <dir>', 'delta parents: a local LEMUR nn-dataset checkout')
    .option('--artifacts <dir>', 'generator versions and adapters (default: $NAS_LEDGER_ARTIFACTS or <store>/artifacts)')
    .option('--device <device>', 'cpu | cuda | auto, for llm:', 'auto')
    .option('--json', 'print JSON')
    .action(async (options: GenerateOptions) => {
      try {
        makeDirectory(options.out); // first, before any generation; not mkdirSync(recursive), which spins under /proc
      } catch (error) {
        throw new LedgerError('BAD_INPUT', `cannot create --out ${options.out}: ${(error as Error).message}`, 'Pass --out a directory you can write to.',
          { out: options.out });
      }
      const artifactDir = options.artifacts ?? artifactDirFor(process.env.NAS_LEDGER_STORE || '.nas-ledger');
      const generator = await createGenerator(options.generator, {
        artifactDir, version: options.version ?? options.generatorVersion, device: options.device, dataset: options.dataset, parameterBudget: options.budget,
      });
      const corpus = options.delta ? parentsFor(options) : [];
      log(`generating ${options.n} program(s) with ${generator.ref.id} ${generator.ref.version}${options.delta ? ` (delta, ${corpus.length} parents)` : ''}`);
      const programs = await generator.generate(options.n, options.seed,
        { dataset: options.dataset, parameterBudget: options.budget, delta: options.delta === true, corpus });
      await generator.close?.();
      // The grammar mutates only programs it wrote itself: other parents (the hand-written seed corpus, LEMUR) give it
      // nothing to mutate, and it writes full programs instead. Said here, and per row in the JSON, never silently.
      const fellBack = (p: GeneratedProgram): boolean => options.delta === true && p.failure === null && p.parent === null;
      const fallbacks = programs.filter(fellBack).length;
      if (fallbacks > 0) {
        log(`nas-ledger generate: --delta: ${fallbacks} of ${programs.length} program(s) written in full, not as diffs: ${generator.ref.id} found no parent ` +
          `it can mutate among the ${corpus.length} given (the grammar mutates only programs it wrote). Give --parents an earlier grammar --out directory.`);
      }
      const rows = programs.map((p) => {
        const stem = String(p.index).padStart(3, '0');
        const file = join(options.out, p.failure === null ? `${stem}-${p.codeHash.slice(0, 12)}.py` : `${stem}-rejected.txt`);
        writeFileSync(file, p.failure === null ? p.code : `# ${p.failure.stage}: ${p.failure.reason}\n${p.code}`);
        let diffFile: string | null = null;
        if (p.parent !== null && p.parent.diff !== '') {
          diffFile = file.replace(/\.(py|txt)$/, '.diff');
          writeFileSync(diffFile, p.parent.diff);
        }
        return {
          index: p.index, file, codeHash: p.codeHash, generatorVersion: p.generator.version, parent: p.parent?.entryId ?? null,
          diffFile, outputTokens: p.outputTokens, failure: p.failure, deltaFallback: fellBack(p),
        };
      });
      if (options.json) { printJson(rows); return; }
      for (const r of rows) {
        printLine([r.file, r.codeHash.slice(0, 12), r.generatorVersion, r.parent ?? '-', r.failure ? `${r.failure.stage}: ${r.failure.reason}` : 'ok'].join('\t'));
      }
    });
}

function parentsFor(options: GenerateOptions): CorpusEntry[] {
  if (options.parents !== undefined) {
    if (!existsSync(options.parents)) throw new LedgerError('NOT_FOUND', `no directory ${options.parents}`, 'Give --parents a directory of .py programs, e.g. an earlier --out.');
    return readdirSync(options.parents).filter((f) => f.endsWith('.py')).sort().map((f) => {
      const code = readFileSync(join(options.parents!, f), 'utf8');
      return { entryId: `file:${f}`, name: f.slice(0, -3), code, codeHash: sha256Hex(code), accuracy: null };
    });
  }
  if (options.lemur !== undefined) return importLemurCorpus(options.lemur, { dataset: options.dataset }).entries;
  return loadSeedCorpus();
}
