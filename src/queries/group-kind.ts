import { LedgerError } from '../../domain/shared/ledger-error';
import { variantsOf } from '../../projections/experiment-groups/query';
import type { ExperimentGroup } from '../../projections/experiment-groups/view';

/** Which command made a group, read from its variants (the group event records no kind). */
export type GroupKind = 'replicate' | 'ablation' | 'novelty-sweep';

/** The variant prefix of a novelty-threshold sweep's runs (`tau=0.85`, see noveltySweepVariants in src/app/ablation-groups.ts). */
const NOVELTY_SWEEP_VARIANT_PREFIX = 'tau=';

/** replicate: one unnamed variant; a novelty sweep: every variant a `tau=…`; anything else: `ablate --seeds`'s named variants. */
export function groupKindOf(group: ExperimentGroup): GroupKind {
  const variants = variantsOf(group);
  if (variants.every((v) => v === '')) return 'replicate';
  if (variants.every((v) => v.startsWith(NOVELTY_SWEEP_VARIANT_PREFIX))) return 'novelty-sweep';
  return 'ablation';
}

const KIND_WORDS: Readonly<Record<GroupKind, string>> = {
  'replicate': 'a replicate group (replicate --seeds)',
  'ablation': 'an ablation group (ablate --seeds)',
  'novelty-sweep': 'a novelty-threshold sweep (ablate --novelty-thresholds)',
};

/** BAD_INPUT unless the group is a novelty-threshold sweep; the hint names what reads the group it is. */
export function requireNoveltySweep(group: ExperimentGroup): void {
  const kind = groupKindOf(group);
  if (kind === 'novelty-sweep') return;
  const id = group.groupId;
  throw new LedgerError('BAD_INPUT', `group "${id}" is ${KIND_WORDS[kind]}, not a novelty-threshold sweep (ablate --novelty-thresholds)`,
    `Read it with \`nas-ledger stats --group ${id}\` (GET /api/groups/${id}/stats) or \`nas-ledger theory --group ${id}\` (GET /api/groups/${id}/theory).`,
    { groupId: id, kind });
}
