import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { DEFAULT_NOVELTY, type NoveltyParameters } from '../../../domain/experiment/config';
import { isEvent, experimentIdOf, firstEvent } from '../../../domain/experiment/ledger-event';
import { decodeSignature, estimateJaccard } from '../../../domain/novelty/minhash';
import { NoveltyIndex } from '../../../domain/novelty/novelty-index';
import { exactJaccard } from '../../../domain/novelty/shingles';
import { TextSigner } from '../../../domain/novelty/text-signature';
import type { RecordedEvent } from '../../../domain/shared/event-envelope';
import { LedgerError } from '../../../domain/shared/ledger-error';
import { corpusAsOf } from '../../../projections/corpus/query';
import type { EventStore } from '../../ledger/event-store.port';
import { iterateAll } from '../../ledger/iterate-all';
import { openEventStore } from '../../ledger/open-event-store';
import { compareStructure } from '../../app/agent-wiring';
import { intOption, log, printJson, printLine } from '../cli-context';

export function register(program: Command): void {
  const novelty = program.command('novelty').description('The novelty filter: MinHash-Jaccard of 10-token shingles, and structural fingerprints.');

  novelty.command('compare <a> <b>')
    .description('Compares two Python programs as the novelty filter does: token counts, exact Jaccard of the shingle sets,\n' +
      'the MinHash estimate, the near-duplicate verdict (J > tau) and whether their structural fingerprints match.\n' +
      'JSON keys: tokensA, tokensB, shinglesA, shinglesB, jaccardExact, jaccardEstimate, nearDuplicate, tau,\n' +
      'structuralMatch (true/false, or null with structuralNote when the fingerprint job cannot run), params.')
    .option('--json', 'print JSON')
    .option('--normalize-names', 'rename declared names (locals, parameters, classes, helpers) before shingling')
    .option('--dataset <name>', 'input shape used by the structural fingerprint', 'fashion-mnist')
    .option('--no-structural', 'skip the structural fingerprint (it runs each model once in the sandbox)')
    .action(async (a: string, b: string, options: { json?: boolean; normalizeNames?: boolean; dataset: string; structural: boolean }) => {
      const params: NoveltyParameters = { ...DEFAULT_NOVELTY, normalizeNames: options.normalizeNames === true };
      const signer = new TextSigner(params);
      const [srcA, srcB] = [readSource(a), readSource(b)];
      const [tokA, tokB] = [lex(signer, srcA, a), lex(signer, srcB, b)];
      const [setA, setB] = [signer.shingles(tokA), signer.shingles(tokB)];
      const jaccardEstimate = estimateJaccard(signer.signTexts(tokA), signer.signTexts(tokB));
      const structural = options.structural ? await compareStructure(a, b, options.dataset)
        : { structuralMatch: null, structuralNote: 'skipped (--no-structural)' };
      const result = {
        fileA: a, fileB: b,
        tokensA: tokA.length, tokensB: tokB.length,
        shinglesA: setA.size, shinglesB: setB.size,
        jaccardExact: exactJaccard(setA, setB),
        jaccardEstimate,
        nearDuplicate: jaccardEstimate > params.nearDuplicateTau,
        tau: params.nearDuplicateTau,
        ...structural,
        params,
      };
      if (options.json) {
        printJson(result);
        return;
      }
      printLine(`tokens            ${result.tokensA} (${a})  ${result.tokensB} (${b})`);
      printLine(`shingles (k=${params.shingleSize})   ${result.shinglesA}  ${result.shinglesB}`);
      printLine(`jaccard exact     ${result.jaccardExact.toFixed(4)}`);
      printLine(`jaccard MinHash   ${result.jaccardEstimate.toFixed(4)}  (${params.permutations} permutations, seed ${params.seed})`);
      printLine(`near-duplicate    ${result.nearDuplicate ? 'yes' : 'no'}  (J > ${params.nearDuplicateTau})`);
      printLine(`structural match  ${result.structuralMatch === null ? `unknown: ${structural.structuralNote}` : result.structuralMatch ? 'yes' : 'no'}`);
    });

  novelty.command('nearest <experiment-or-file> [file]')
    .usage('<experiment> <file> [options]   (or: <file> --experiment <id>)')
    .description("Lists the corpus entries (seed + admitted) of an experiment nearest to a program, by MinHash-Jaccard,\n" +
      "signed with the experiment's own novelty parameters. --as-of-cycle C: the corpus as it was at the end of cycle C.\n" +
      'The experiment is given positionally like every other command, or with --experiment.\n' +
      'JSON: { experimentId, asOfCycle, corpusSize, params, nearest: [{ entryId, name, candidateId, cycle, jaccard, nearDuplicate }] }.')
    .option('--experiment <id>', 'experiment id (instead of the first argument)')
    .option('--as-of-cycle <c>', 'corpus at the end of this cycle (0: the seed corpus only)', intOption('--as-of-cycle', 0))
    .option('--limit <n>', 'entries to list', intOption('--limit', 1), 10)
    .option('--store <url>', 'event store: postgres://..., file:DIR or a directory (default $NAS_LEDGER_STORE, then ./.nas-ledger)')
    .option('--json', 'print JSON')
    .action(async (first: string, second: string | undefined, flags: NearestFlags) => {
      const { experiment, file } = experimentAndFile(first, second, flags.experiment);
      const options = { ...flags, experiment };
      const source = readSource(file);
      const store = await openEventStore(options.store, { forReading: true });
      let result: NearestResult;
      try {
        result = await nearestInExperiment(store, options.experiment, source, file, options.limit, options.asOfCycle);
      } finally {
        await store.close();
      }
      const { nearest } = result;
      for (const skipped of result.skippedSeeds) log(`warning: seed ${skipped.entryId} is not in the index: ${skipped.reason}`);
      if (options.json) {
        const { skippedSeeds: _skipped, ...json } = result;
        printJson(json);
        return;
      }
      printLine(`${file} against the corpus of ${options.experiment}${options.asOfCycle === undefined ? '' : ` as of cycle ${options.asOfCycle}`} (${result.corpusSize} entries)`);
      for (const n of nearest) {
        printLine(`${n.jaccard.toFixed(4)}  ${n.nearDuplicate ? 'near-dup' : '        '}  ${n.entryId}${n.name && n.name !== n.entryId ? ` (${n.name})` : ''}${n.cycle === null ? '' : `  cycle ${n.cycle}`}`);
      }
      if (nearest.length === 0) printLine('the corpus is empty');
    });
}

interface NearestFlags { experiment?: string; asOfCycle?: number; limit: number; store?: string; json?: boolean }

/** `nearest <experiment> <file>` like every other command, or `nearest <file> --experiment <id>` as before; not both. */
export function experimentAndFile(first: string, second: string | undefined, flag: string | undefined): { experiment: string; file: string } {
  if (flag !== undefined) {
    if (second !== undefined) {
      throw new LedgerError('BAD_INPUT', `the experiment is given twice: "${first}" and --experiment ${flag}`,
        'Give it once: nas-ledger novelty nearest <experiment> <file>, or nas-ledger novelty nearest <file> --experiment <id>.');
    }
    return { experiment: flag, file: first };
  }
  if (second === undefined) {
    throw new LedgerError('BAD_INPUT', 'novelty nearest needs an experiment and a file',
      'nas-ledger novelty nearest <experiment> <file> (or <file> --experiment <id>).');
  }
  return { experiment: first, file: second };
}

function readSource(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new LedgerError('NOT_FOUND', `cannot read ${file}: ${(error as Error).message}`, 'Give the path of a Python source file.');
  }
}

function lex(signer: TextSigner, source: string, file: string): string[] {
  try {
    return signer.tokenTexts(source);
  } catch (error) {
    if (error instanceof LedgerError) throw new LedgerError(error.code, `${file}: ${error.message}`, error.hint, error.details);
    throw error;
  }
}

/** What the corpus read model and the recorded signatures need (other experiments' events are dropped as they stream by). */
const EVENT_TYPES = ['ExperimentRegistered', 'CorpusSeeded', 'CycleStarted', 'CandidateGenerated', 'NoveltyAssessed',
  'CandidateAdmitted', 'CycleCompleted'];

interface EntryInfo { readonly name: string; readonly candidateId: string | null; readonly cycle: number | null }

export interface NearestResult {
  readonly experimentId: string;
  readonly asOfCycle: number | null;
  readonly corpusSize: number;
  readonly params: NoveltyParameters;
  readonly nearest: { entryId: string; name: string | null; candidateId: string | null; cycle: number | null; jaccard: number; nearDuplicate: boolean }[];
  readonly skippedSeeds: readonly { entryId: string; reason: string }[];
}

/** The `limit` corpus entries of an experiment nearest to `source`, signed with the experiment's novelty parameters. */
export async function nearestInExperiment(store: EventStore, experimentId: string, source: string, file: string, limit: number,
  asOfCycle?: number): Promise<NearestResult> {
  const corpus = await loadCorpus(store, experimentId, asOfCycle);
  const signer = corpus.index.signer;
  const signature = signer.signTexts(lex(signer, source, file));
  const nearest = corpus.index.nearestInCorpus(signature, limit).map((hit) => ({
    entryId: hit.id,
    name: corpus.names.get(hit.id)?.name ?? null,
    candidateId: corpus.names.get(hit.id)?.candidateId ?? null,
    cycle: corpus.names.get(hit.id)?.cycle ?? null,
    jaccard: hit.jaccard,
    nearDuplicate: hit.jaccard > corpus.index.params.nearDuplicateTau,
  }));
  return { experimentId, asOfCycle: asOfCycle ?? null, corpusSize: corpus.index.corpusSize, params: corpus.index.params, nearest,
    skippedSeeds: corpus.index.skippedSeeds };
}

/**
 * The experiment's corpus (projections/corpus, as of the end of cycle `asOfCycle` when given) in a NoveltyIndex
 * signed with the experiment's novelty parameters. Admitted entries carry the signature their NoveltyAssessed
 * recorded; one admitted without an assessment (the no-novelty ablation) is signed from its code here.
 */
async function loadCorpus(store: EventStore, experimentId: string, asOfCycle: number | undefined):
  Promise<{ index: NoveltyIndex; names: Map<string, EntryInfo> }> {
  const events: RecordedEvent[] = [];
  for await (const event of iterateAll(store, { types: EVENT_TYPES })) if (experimentIdOf(event) === experimentId) events.push(event);
  const registered = firstEvent(events, 'ExperimentRegistered');
  const corpus = corpusAsOf(events, experimentId, asOfCycle === undefined ? {} : { cycle: asOfCycle });
  if (!registered || !corpus) {
    throw new LedgerError('NOT_FOUND', `experiment ${experimentId} is not in the ledger`, 'List experiments with `nas-ledger experiments list`.');
  }
  const index = new NoveltyIndex(registered.data.config.novelty);
  const recordedSignatures = new Map<string, string>();
  for (const event of events) {
    if (isEvent(event, 'NoveltyAssessed') && !recordedSignatures.has(event.data.candidateId)) {
      recordedSignatures.set(event.data.candidateId, event.data.signature);
    }
  }
  const names = new Map<string, EntryInfo>();
  const code = new Map(corpus.entries.map((e) => [e.entryId, e.code]));
  const seedIds = new Set(corpus.members.filter((m) => m.source === 'seed').map((m) => m.entryId));
  index.seedCorpus(corpus.entries.filter((e) => seedIds.has(e.entryId)));
  for (const member of corpus.members) {
    if (member.source === 'seed') {
      names.set(member.entryId, { name: member.name, candidateId: null, cycle: null });
      continue;
    }
    const architectureId = member.architectureId ?? member.entryId;
    names.set(architectureId, { name: architectureId, candidateId: member.candidateId, cycle: member.cycle });
    const signature = recordedSignatures.get(member.entryId);
    const source = code.get(member.entryId);
    if (signature !== undefined) index.addCorpusEntry(architectureId, decodeSignature(signature, index.params.permutations));
    else if (source !== undefined) index.addCorpusEntry(architectureId, index.signer.sign(source).signature);
  }
  if (asOfCycle !== undefined && (corpus.lastCompletedCycle === null || corpus.lastCompletedCycle < asOfCycle) && asOfCycle > 0) {
    log(`note: cycle ${asOfCycle} has not completed; the corpus includes what was admitted so far`);
  }
  return { index, names };
}
