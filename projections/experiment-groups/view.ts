/** One run of a group: the experiment, its seed and what the group varies in it. */
export interface GroupMember {
  readonly experimentId: string;
  readonly seed: number;
  /** '' for replicate; the ablation variant or `tau=0.85` for ablate's groups. */
  readonly variant: string;
  readonly configHash: string;
  /** Global position of its ExperimentRegistered. */
  readonly registeredAt: number;
}

export interface ExperimentGroup {
  readonly groupId: string;
  /** The seeds the group was registered with, in order. */
  readonly seeds: readonly number[];
  /** In registration order. */
  readonly members: readonly GroupMember[];
}

/** Groups are few and small: a record keyed by group id, copied when one of them changes. */
export interface ExperimentGroupsView {
  readonly groups: Readonly<Record<string, ExperimentGroup>>;
}
