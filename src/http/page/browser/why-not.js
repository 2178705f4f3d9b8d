// @ts-check
/* Why a candidate did not make it into the corpus, in words, from its table row and (when loaded) its full record. */
import { fix } from './dom.js';

/** What each validation stage checks, so "rejected at forward" means something to a reader. */
const STAGE_MEANING = {
  parse: 'the program is not valid Python',
  policy: 'the program uses something the sandbox policy forbids',
  instantiate: 'building the model raised an error',
  contract: 'the model does not take or return the tensor shapes the protocol requires',
  budget: 'the model exceeds the parameter or FLOP budget',
  forward: 'a forward pass failed',
  train: 'training failed or diverged',
  timeout: 'evaluation ran past its time limit',
};

/**
 * One sentence saying why the candidate was rejected or not admitted; null for candidates that were admitted or
 * whose fate is not decided at this point in history.
 * @param {any} row a candidates-table row (status, stage, accuracy, jTrain, notAdmittedReason)
 * @param {any} record the `show` record when loaded (rejection message, novelty neighbours), else null
 * @param {number} threshold the admission threshold τ
 * @returns {string | null}
 */
export function whyNot(row, record, threshold) {
  const rejection = (record && record.rejection) || null;
  const novelty = (record && record.novelty) || null;
  if (row.status === 'rejected') {
    const stage = (rejection && rejection.stage) || row.stage || 'unknown';
    const meaning = STAGE_MEANING[/** @type {keyof typeof STAGE_MEANING} */ (stage)];
    const message = (rejection && rejection.message) || row.rejectionMessage || row.message || null;
    return 'Rejected at the ' + stage + ' stage' + (meaning ? ' (' + meaning + ')' : '') + (message ? ': ' + message : '.');
  }
  if (row.status !== 'not_admitted') return null;
  const reason = row.notAdmittedReason || (record && record.admission && record.admission.notAdmittedReason);
  if (reason === 'below_threshold') {
    const accuracy = row.accuracy ?? (record && record.evaluation ? record.evaluation.accuracy : null);
    return 'Not admitted: accuracy ' + fix(4)(accuracy) + ' is below the admission threshold τ = ' + threshold + '.';
  }
  if (reason === 'near_duplicate') {
    const nearest = novelty && novelty.nearestTrainId ? ' to ' + novelty.nearestTrainId : ' to a corpus entry';
    const j = row.jTrain ?? (novelty ? novelty.jTrain : null);
    return 'Not admitted: a near duplicate — its text is too similar' + nearest + ' (J_train = ' + fix(3)(j) + ').';
  }
  if (reason === 'structural_duplicate') {
    const twin = novelty && novelty.structuralDuplicateOf ? ' ' + novelty.structuralDuplicateOf : ' a corpus entry';
    return 'Not admitted: the same network structure as' + twin + ' (a structural duplicate).';
  }
  return 'Not admitted' + (reason ? ': ' + String(reason).replace(/_/g, ' ') : '') + '.';
}

/**
 * The table cell's short form: the stage or reason, and the first words of the message.
 * @param {any} row
 * @returns {string}
 */
export function whyNotShort(row) {
  if (row.status === 'rejected') {
    const message = row.rejectionMessage || row.message || '';
    return (row.stage || 'rejected') + (message ? ': ' + (message.length > 60 ? message.slice(0, 59) + '…' : message) : '');
  }
  if (row.status === 'not_admitted') return String(row.notAdmittedReason || 'not admitted').replace(/_/g, ' ');
  return row.stage || '–';
}
