import type { RecordedEvent } from '../../domain/shared/event-envelope';
import type { GeneratorRef } from '../../domain/experiment/events';
import { firstEvent } from '../../domain/experiment/ledger-event';
import { corpusHashOf } from '../../domain/experiment/corpus';
import { eventRef, type EventRef } from '../shared/event-ref';
import { toArray } from '../shared/persistent-vector';
import type { CorpusMember } from '../corpus/view';
import type { ExperimentLineage, LineageView } from './view';

/** What a provenance id names, found in the lineage view (candidate ids are looked up in their own stream). */
export type ProvenanceSubjectRef =
  | { readonly kind: 'architecture'; readonly experimentId: string; readonly candidateId: string; readonly architectureId: string }
  | { readonly kind: 'seed-entry'; readonly experimentId: string; readonly member: CorpusMember };

/** Architecture ids (`arch-…`) and corpus entry ids (`seed:…`, admitted candidate ids) known to the view. */
export function findCorpusSubject(view: LineageView, id: string): ProvenanceSubjectRef | null {
  for (const corpus of Object.values(view.corpus.experiments)) {
    for (const member of toArray(corpus.members)) {
      if (member.source === 'admitted' && member.architectureId === id) {
        return { kind: 'architecture', experimentId: corpus.experimentId, candidateId: member.candidateId!, architectureId: id };
      }
      if (member.source === 'seed' && member.entryId === id) {
        return { kind: 'seed-entry', experimentId: corpus.experimentId, member };
      }
    }
  }
  return null;
}

export type GeneratorStep =
  | {
      readonly kind: 'fine-tuned';
      readonly generator: GeneratorRef;
      readonly cycle: number;
      readonly from: GeneratorRef;
      readonly adapterHash: string;
      readonly loss: number | null;
      readonly fineTuned: EventRef;
      readonly requested: EventRef | null;
      /** Corpus entries (seed + admitted) the fine-tune trained on, and the hash the request recorded. */
      readonly corpusVersion: number;
      readonly corpusHash: string | null;
      /** Whether the recorded hash equals the hash of the first corpusVersion members as the ledger shows them. */
      readonly corpusHashVerified: boolean;
      /** The admitted entries this fine-tune saw that the one before it did not (all of them together: the corpus). */
      readonly corpusEntriesAdded: readonly CorpusMember[];
    }
  | { readonly kind: 'initial'; readonly generator: GeneratorRef; readonly firstUsedIn: EventRef | null };

export interface Provenance {
  readonly id: string;
  readonly subject: {
    readonly kind: 'candidate' | 'architecture' | 'seed-entry';
    readonly experimentId: string;
    readonly candidateId: string | null;
    readonly architectureId: string | null;
    readonly entryId: string | null;
    readonly cycle: number | null;
    readonly codeHash: string;
    readonly status: string;
  };
  /** The candidate's own events, in stream order (empty for a seed entry). */
  readonly candidateEvents: readonly EventRef[];
  /** Delta generation: the corpus entry the candidate's diff was applied to. */
  readonly parent: { readonly entryId: string; readonly member: CorpusMember | null } | null;
  /** From the generator version that wrote the candidate back to the experiment's initial generator. */
  readonly generatorChain: readonly GeneratorStep[];
  readonly seedCorpus: { readonly seeded: EventRef; readonly corpusHash: string; readonly entries: number; readonly source: string } | null;
  readonly experiment: { readonly registered: EventRef; readonly configHash: string };
  readonly seedEntry: CorpusMember | null;
}

const STATUS_BY_LAST_EVENT: Readonly<Record<string, string>> = {
  CandidateGenerated: 'generated', CandidateRejected: 'rejected', CandidateEvaluated: 'evaluated',
  NoveltyAssessed: 'assessed', CandidateAdmitted: 'admitted', CandidateNotAdmitted: 'not_admitted',
};

/** Provenance of a candidate from its own stream (up to the as-of point) and the lineage view at the same point. */
export function candidateProvenance(view: LineageView, id: string, candidateEvents: readonly RecordedEvent[]): Provenance | null {
  const generated = firstEvent(candidateEvents, 'CandidateGenerated')?.data;
  if (!generated) return null;
  const lineage = view.experiments[generated.experimentId];
  if (!lineage) return null;
  const corpus = view.corpus.experiments[generated.experimentId];
  const members = corpus ? toArray(corpus.members) : [];
  const last = candidateEvents[candidateEvents.length - 1]!;
  const admitted = firstEvent(candidateEvents, 'CandidateAdmitted');
  const parentId = generated.parent?.entryId ?? null;
  return {
    id,
    subject: {
      kind: admitted && id !== generated.candidateId ? 'architecture' : 'candidate',
      experimentId: generated.experimentId,
      candidateId: generated.candidateId,
      architectureId: admitted ? admitted.data.architectureId : null,
      entryId: admitted ? generated.candidateId : null,
      cycle: generated.cycle,
      codeHash: generated.codeHash,
      status: STATUS_BY_LAST_EVENT[last.type] ?? last.type,
    },
    candidateEvents: candidateEvents.map(eventRef),
    parent: parentId === null ? null : {
      entryId: parentId,
      member: members.find((m) => m.entryId === parentId || m.architectureId === parentId) ?? null,
    },
    generatorChain: generatorChain(lineage, members, generated.generator),
    seedCorpus: lineage.seeded,
    experiment: { registered: lineage.registered, configHash: lineage.configHash },
    seedEntry: null,
  };
}

/** A seed entry has no generator behind it: its provenance is the CorpusSeeded event itself. */
export function seedEntryProvenance(view: LineageView, id: string, experimentId: string, member: CorpusMember): Provenance | null {
  const lineage = view.experiments[experimentId];
  if (!lineage) return null;
  return {
    id,
    subject: {
      kind: 'seed-entry', experimentId, candidateId: null, architectureId: null, entryId: member.entryId, cycle: null,
      codeHash: member.codeHash, status: 'seed',
    },
    candidateEvents: [],
    parent: null,
    generatorChain: [],
    seedCorpus: lineage.seeded,
    experiment: { registered: lineage.registered, configHash: lineage.configHash },
    seedEntry: member,
  };
}

/** Walks fine-tunes backwards from `writer` (each names the version it started from) to a version none produced. */
export function generatorChain(lineage: ExperimentLineage, members: readonly CorpusMember[], writer: GeneratorRef): GeneratorStep[] {
  const chain: GeneratorStep[] = [];
  const seen = new Set<string>();
  let current = writer;
  for (;;) {
    const fineTune = lineage.fineTunes[current.version];
    if (!fineTune || seen.has(current.version)) break;
    seen.add(current.version);
    const request = lineage.fineTuneRequests[String(fineTune.cycle)] ?? null;
    chain.push({
      kind: 'fine-tuned', generator: fineTune.to, cycle: fineTune.cycle, from: fineTune.from, adapterHash: fineTune.adapterHash,
      loss: fineTune.loss, fineTuned: fineTune.fineTuned, requested: request?.requested ?? null,
      corpusVersion: fineTune.corpusVersion, corpusHash: request?.corpusHash ?? null,
      corpusHashVerified: request !== null && fineTune.corpusVersion <= members.length &&
        corpusHashOf(members.slice(0, fineTune.corpusVersion).map((m) => m.codeHash)) === request.corpusHash,
      corpusEntriesAdded: [],
    });
    current = fineTune.from;
  }
  const initial = lineage.initialGenerator;
  chain.push({
    kind: 'initial',
    generator: current,
    firstUsedIn: initial && initial.generator.version === current.version ? initial.firstUsedIn : null,
  });
  return withCorpusDeltas(chain, members, lineage.seeded?.entries ?? 0);
}

/** Each fine-tune lists only the entries added since the older fine-tune it started from (the seed corpus for the first). */
function withCorpusDeltas(chain: GeneratorStep[], members: readonly CorpusMember[], seedSize: number): GeneratorStep[] {
  const out = [...chain];
  let previousVersion = seedSize;
  for (let i = out.length - 1; i >= 0; i--) {
    const step = out[i]!;
    if (step.kind !== 'fine-tuned') continue;
    const upTo = Math.min(step.corpusVersion, members.length);
    out[i] = { ...step, corpusEntriesAdded: members.slice(Math.min(previousVersion, upTo), upTo) };
    previousVersion = Math.max(previousVersion, upTo);
  }
  return out;
}
