import type { Command } from 'commander';
import { printJson, printLine } from '../cli-context';
import { withQueryBus } from '../../queries/query-session';
import { GetProvenanceQuery, type ProvenanceResult } from '../../queries/get-provenance/get-provenance.query';
import { addQueryOptions, asOfFromCli, describeResultPoint, type AsOfCliOptions } from '../queries/as-of-options';
import type { EventRef } from '../../../projections/shared/event-ref';

export function register(program: Command): void {
  addQueryOptions(program.command('provenance <id>')
    .description('Where a candidate (its id), an admitted architecture (arch-…) or a seed entry (seed:…) came from: its own events,\n' +
      'the generator version that wrote it, the fine-tunes and corpus entries behind that version, back to the seed corpus.'))
    .action(async (id: string, options: AsOfCliOptions) => {
      const asOf = asOfFromCli(options);
      const result = await withQueryBus(options.store, (bus) => bus.execute(new GetProvenanceQuery(id, asOf)));
      if (options.json) printJson(result);
      else printProvenance(result);
    });
}

function ref(e: EventRef): string {
  return `#${e.position} ${e.type} ${e.eventId} (${e.streamId}@${e.streamVersion}, hash ${e.hash.slice(0, 12)})`;
}

function printProvenance(p: ProvenanceResult): void {
  const s = p.subject;
  printLine(`${s.kind} ${p.id} of experiment ${s.experimentId}, ${describeResultPoint(p)}`);
  printLine(`  status ${s.status}${s.cycle !== null ? `, cycle ${s.cycle}` : ''}, code ${s.codeHash.slice(0, 16)}` +
    (s.architectureId ? `, architecture ${s.architectureId}` : '') + (s.candidateId && s.candidateId !== p.id ? `, candidate ${s.candidateId}` : ''));
  if (p.candidateEvents.length) {
    printLine('candidate events:');
    for (const e of p.candidateEvents) printLine(`  ${ref(e)}`);
  }
  if (p.parent) printLine(`parent (delta generation): ${p.parent.entryId}${p.parent.member ? ` added by ${ref(p.parent.member.addedBy)}` : ' (not in the corpus at this point)'}`);
  if (p.generatorChain.length) printLine('generator chain (newest first):');
  for (const step of p.generatorChain) {
    if (step.kind === 'initial') {
      printLine(`  initial generator ${step.generator.id}@${step.generator.version.slice(0, 12)}` +
        (step.firstUsedIn ? `, first used by ${ref(step.firstUsedIn)}` : ''));
      continue;
    }
    printLine(`  ${step.generator.id}@${step.generator.version.slice(0, 12)} ← fine-tuned in cycle ${step.cycle} from @${step.from.version.slice(0, 12)}`);
    printLine(`    ${ref(step.fineTuned)}`);
    if (step.requested) printLine(`    ${ref(step.requested)}`);
    printLine(`    trained on ${step.corpusVersion} corpus entries, hash ${step.corpusHash?.slice(0, 16) ?? '?'} ` +
      `(${step.corpusHashVerified ? 'matches the ledger' : 'DOES NOT match the ledger'}); ${step.corpusEntriesAdded.length} new since the previous version:`);
    for (const m of step.corpusEntriesAdded) printLine(`      ${m.architectureId ?? m.entryId} (${m.candidateId ?? 'seed'}, cycle ${m.cycle ?? '-'}) ${ref(m.addedBy)}`);
  }
  if (p.seedCorpus) printLine(`seed corpus: ${p.seedCorpus.entries} entries from ${p.seedCorpus.source}, hash ${p.seedCorpus.corpusHash.slice(0, 16)}, ${ref(p.seedCorpus.seeded)}`);
  printLine(`experiment registered: ${ref(p.experiment.registered)}, config ${p.experiment.configHash.slice(0, 16)}`);
  if (p.reviews.length) printLine('reproducibility reviews:');
  for (const r of p.reviews) {
    const deltas = Object.entries(r.deltas).map(([k, d]) => `Δ${k} ${d}`).join(', ');
    printLine(`  ${r.reviewId}: ${r.verdict}${deltas ? ` (${deltas})` : ''}${r.likelyCause ? `: ${r.likelyCause}` : ''}, #${r.position} ${r.recordedAt}`);
  }
}
