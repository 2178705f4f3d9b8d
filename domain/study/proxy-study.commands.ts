import type { DomainCommand } from '../shared/decider';
import type { FullTrainRecorded, ProxyRerunRecorded, ProxyStudyStarted } from './proxy-study.events';

/** The study driver and the agents measured the facts; the decider checks when they may be recorded. */
export type StartProxyStudy = DomainCommand<'StartProxyStudy', ProxyStudyStarted['data']>;
export type RecordFullTrain = DomainCommand<'RecordFullTrain', FullTrainRecorded['data']>;
export type RecordProxyRerun = DomainCommand<'RecordProxyRerun', ProxyRerunRecorded['data']>;
/** The counts are the decider's, from what was recorded: the caller names only the study. */
export type CompleteProxyStudy = DomainCommand<'CompleteProxyStudy', { readonly studyId: string }>;

export type ProxyStudyCommand = StartProxyStudy | RecordFullTrain | RecordProxyRerun | CompleteProxyStudy;
