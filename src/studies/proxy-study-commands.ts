import { LedgerError } from '../../domain/shared/ledger-error';
import { streamIds } from '../../domain/experiment/events';
import { firstEvent } from '../../domain/experiment/ledger-event';
import { proxyStudyDecider, type ProxyStudyState } from '../../domain/study/proxy-study.decider';
import { proxyStudyCommandIds, studyStreamId, type ProxyStudyEvent, type ProxyStudyStarted } from '../../domain/study/proxy-study.events';
import type { EventStore } from '../ledger/event-store.port';
import { foldStream, handleCommand, type HandledCommand } from '../ledger/handle-command';

/**
 * The study stream's writes from the study driver, through the one write path (handleCommand with the proxy-study
 * decider) and command ids from the study (proxyStudyCommandIds): a study killed with -9 and resumed finds them
 * already recorded. The agents record the trainings themselves (gpu-agent/agent/proxy-study-handler.ts).
 */
export interface StudyWriter {
  /** `study/<user>`: who ran the study (the events' metadata.actor). */
  readonly actor: string;
  readonly now?: () => Date;
}

export type StudyWrite = HandledCommand<ProxyStudyEvent, ProxyStudyState>;
export type OpenStudy = Extract<ProxyStudyState, { status: 'started' | 'completed' }>;

const meta = (writer: StudyWriter, studyId: string, commandId: string) => ({
  commandId, correlationId: `study:${studyId}`, causationId: null, actor: writer.actor, ...(writer.now ? { now: writer.now } : {}),
});

/** Starts a study of a registered experiment: NOT_FOUND for an unknown experiment, nothing written. */
export async function startProxyStudy(store: EventStore, data: ProxyStudyStarted['data'], writer: StudyWriter): Promise<StudyWrite> {
  if (!firstEvent(await store.readStream(streamIds.experiment(data.experimentId)), 'ExperimentRegistered')) {
    throw new LedgerError('NOT_FOUND', `no experiment ${data.experimentId}`, '`nas-ledger experiments` lists the experiments of this store.');
  }
  return handleCommand(store, studyStreamId(data.studyId), proxyStudyDecider, { type: 'StartProxyStudy', data }, meta(writer, data.studyId, proxyStudyCommandIds.start(data.studyId)));
}

/** Records ProxyStudyCompleted with the decider's counts; REFUSED while a training is missing. */
export function completeProxyStudy(store: EventStore, studyId: string, writer: StudyWriter): Promise<StudyWrite> {
  return handleCommand(store, studyStreamId(studyId), proxyStudyDecider, { type: 'CompleteProxyStudy', data: { studyId } },
    meta(writer, studyId, proxyStudyCommandIds.complete(studyId)));
}

/** A study's state (selection, results so far, status); NOT_FOUND for an unknown study. */
export async function loadProxyStudy(store: EventStore, studyId: string): Promise<OpenStudy> {
  const state = foldStream(proxyStudyDecider, await store.readStream(studyStreamId(studyId)));
  if (state.status === 'none') {
    throw new LedgerError('NOT_FOUND', `no study ${studyId}`, '`nas-ledger study list <experiment>` lists the studies of an experiment.');
  }
  return state;
}
