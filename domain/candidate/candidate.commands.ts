import type { DomainCommand } from '../shared/decider';
import type { AblationSwitches } from '../experiment/config';
import type {
  CandidateEvaluated, CandidateGenerated, CandidateRejected, NoveltyAssessed,
} from '../experiment/events';

/** The recorded facts arrive as the events' own data: the agent measured them, the decider checks when they may be recorded. */
export type RecordGenerated = DomainCommand<'RecordGenerated', CandidateGenerated['data']>;
export type RecordRejection = DomainCommand<'RecordRejection', CandidateRejected['data']>;
export type RecordEvaluation = DomainCommand<'RecordEvaluation', CandidateEvaluated['data']>;
export type RecordNovelty = DomainCommand<'RecordNovelty', NoveltyAssessed['data']>;

/** The experiment's admission rules, read by the caller from the experiment's config (admissionRulesOf). */
export interface AdmissionRules {
  readonly threshold: number;
  readonly ablations: AblationSwitches;
  /** Structural-fingerprint duplicates block admission (config.novelty.structuralBlocks). */
  readonly structuralBlocks: boolean;
}

export type DecideAdmission = DomainCommand<'DecideAdmission', {
  readonly experimentId: string;
  readonly candidateId: string;
  readonly rules: AdmissionRules;
}>;

export type CandidateCommand = RecordGenerated | RecordRejection | RecordEvaluation | RecordNovelty | DecideAdmission;
