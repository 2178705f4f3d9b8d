import { streamIds } from '../../../domain/experiment/events';
import { isEvent } from '../../../domain/experiment/ledger-event';
import type { RecordedEvent } from '../../../domain/shared/event-envelope';
import { createUnifiedDiff } from '../../../domain/generators/unified-diff';
import type { CorpusMember } from '../../../projections/corpus/view';
import type { EventStore } from '../../ledger/event-store.port';

/**
 * The source text of a corpus entry or candidate up to a position: a seed entry's from CorpusSeeded, an admitted
 * architecture's or a candidate's from its CandidateGenerated. Null when the ledger has no text for it there.
 */
export async function entryCode(store: EventStore, experimentStream: readonly RecordedEvent[], members: readonly CorpusMember[],
  id: string, position: number): Promise<{ readonly code: string; readonly codeHash: string } | null> {
  if (id.startsWith('seed:')) {
    for (const event of experimentStream) {
      if (event.globalPosition > position || !isEvent(event, 'CorpusSeeded')) continue;
      const entry = event.data.entries.find((e) => e.entryId === id);
      if (entry) return { code: entry.code, codeHash: entry.codeHash };
    }
    return null;
  }
  const candidateId = members.find((m) => m.architectureId === id)?.candidateId ?? id;
  const [generated] = await store.readStream(streamIds.candidate(candidateId), { to: 0 });
  return generated && generated.globalPosition <= position && isEvent(generated, 'CandidateGenerated')
    ? { code: generated.data.code, codeHash: generated.data.codeHash } : null;
}

/** A unified diff from `from` to `to`, whatever their final newlines. */
export function diffOf(from: string, to: string, fromLabel: string, toLabel: string): string {
  const withNewline = (text: string) => (text.endsWith('\n') || text === '' ? text : `${text}\n`);
  return createUnifiedDiff(withNewline(from), withNewline(to), { fromLabel, toLabel });
}
