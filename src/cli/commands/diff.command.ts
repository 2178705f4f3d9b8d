import type { Command } from 'commander';
import { printJson, printLine, storeFromFlagOrEnv } from '../cli-context';
import { artifactDirFor } from '../../ledger/artifact-store';
import { withQueryBus } from '../../queries/query-session';
import { GetLedgerDiffQuery, type LedgerDiffResult } from '../../queries/get-ledger-diff/get-ledger-diff.query';
import { LEDGER_POINT_SYNTAX, parseLedgerPoint } from '../../queries/get-ledger-diff/ledger-point';
import { describeAsOf } from '../../../projections/shared/as-of';
import { fixed, renderTable } from '../queries/table';

interface DiffOptions { from: string; to?: string; store?: string; json?: boolean }

export function register(program: Command): void {
  program.command('diff <experiment>')
    .description('What changed in an experiment between two points: corpus entries added, generator versions (for the grammar,\n' +
      `the decisions whose probabilities moved most), candidates recorded, per-cycle statistics that changed.\n${LEDGER_POINT_SYNTAX}.`)
    .requiredOption('--from <point>', 'the earlier point, e.g. cycle:1, position:120, time:2026-01-31T12:00:00Z, start')
    .option('--to <point>', 'the later point (default: head)')
    .option('--store <url>', 'ledger store: postgres://… or a directory (default $NAS_LEDGER_STORE, then ./.nas-ledger)')
    .option('--json', 'print JSON on stdout')
    .action(async (experiment: string, options: DiffOptions) => {
      const from = parseLedgerPoint('--from', options.from);
      const to = parseLedgerPoint('--to', options.to ?? 'head');
      const artifacts = artifactDirFor(storeFromFlagOrEnv(options.store));
      const result = await withQueryBus(options.store, (bus) => bus.execute(new GetLedgerDiffQuery(experiment, from, to, artifacts)));
      if (options.json) printJson(result);
      else printDiff(result);
    });
}

function printDiff(d: LedgerDiffResult): void {
  printLine(`experiment ${d.experimentId}: from ${describeAsOf(d.from.asOf)} (position ${d.from.position}) ` +
    `to ${describeAsOf(d.to.asOf)} (position ${d.to.position}), head ${d.head}`);
  printLine(`\ncorpus: ${d.corpusSize.from} -> ${d.corpusSize.to} member(s), ${d.corpusAdded.length} added`);
  if (d.corpusAdded.length) {
    printLine(renderTable(['entry', 'source', 'codeHash', 'accuracy'], d.corpusAdded.map((m) => [
      m.architectureId ?? m.entryId, m.source === 'seed' ? 'seed' : `cycle ${m.cycle}`, m.codeHash.slice(0, 12), fixed(m.accuracy, 4)])));
  }
  const g = d.generator;
  printLine(`\ngenerator: ${g.from ? `${g.from.id} ${g.from.version}` : 'none'} -> ${g.to ? `${g.to.id} ${g.to.version}` : 'none'}, ${g.fineTunes.length} fine-tune(s)`);
  for (const f of g.fineTunes) printLine(`  cycle ${f.cycle}: ${f.from.version} -> ${f.to.version} (loss ${fixed(f.loss)})`);
  if (g.grammar && !g.grammar.available) printLine(`  grammar θ: not shown, ${g.grammar.note}`);
  if (g.grammar?.available) {
    printLine('  grammar decisions that moved most (total variation; largest moves):');
    for (const decision of g.grammar.decisions) {
      const moves = decision.moves.slice(0, 3).map((m) => `${m.choice} ${fixed(m.from)}->${fixed(m.to)}`).join(', ');
      printLine(`    ${decision.decision.padEnd(11)} ${fixed(decision.totalVariation)}  ${moves}`);
    }
  }
  printLine(`\ncandidates recorded: ${d.candidates.length}`);
  if (d.candidates.length) {
    printLine(renderTable(['candidate', 'cycle', 'from', 'to', 'accuracy', 'why'], d.candidates.map((c) => [
      c.candidateId, String(c.cycle), c.statusFrom ?? '-', c.statusTo, fixed(c.accuracy, 4), c.rejectionStage ?? c.notAdmittedReason ?? '-'])));
  }
  printLine(`\ncycle statistics changed: ${d.cycles.length} cycle(s)`);
  for (const c of d.cycles) {
    const fields = Object.entries(c.changes).map(([k, v]) => `${k} ${show(v.from)} -> ${show(v.to)}`);
    printLine(`  cycle ${c.cycle}${c.added ? ' (new)' : ''}: ${c.added ? `generated ${show(c.changes.generated?.to)}, admitted ${show(c.changes.admitted?.to)}` : fields.join('; ')}`);
  }
}

function show(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(3);
  return JSON.stringify(value ?? null);
}
