import { REJECTION_STAGES } from '../../domain/experiment/events';
import type { CandidateExportRecord, CycleExportRow } from '../queries/export-data/export-data.query';
import { flatTable, intervalCells, type Cell, type FlatTable } from './flat-table';

/** `export cycles`: one row per experiment and cycle, intervals as `_low`/`_high`, rejections one column per stage. */
export function cycleTable(rows: readonly CycleExportRow[]): FlatTable {
  return flatTable(rows.map((c) => ({
    experimentId: c.experimentId, cycle: c.cycle, completed: c.completed,
    generatorId: c.generator?.id ?? null, generatorVersion: c.generator?.version ?? null, fineTunedToVersion: c.fineTunedTo?.version ?? null,
    generated: c.generated, valid: c.valid,
    validRate: c.validRate, ...intervalCells('validRateCI', c.validRateCI),
    meanAccuracy: c.meanAccuracy, ...intervalCells('meanAccuracyCI', c.meanAccuracyCI),
    medianAccuracy: c.medianAccuracy, bestAccuracy: c.bestAccuracy,
    aboveThreshold: c.aboveThreshold, ...intervalCells('aboveThresholdCI', c.aboveThresholdCI),
    admitted: c.admitted, corpusSize: c.corpusSize, eliteConcentration: c.eliteConcentration, diversity: c.diversity, novelty: c.novelty,
    threshold: c.threshold,
    ...Object.fromEntries(REJECTION_STAGES.map((stage) => [`rejections_${stage}`, c.rejectionsByStage[stage] ?? 0])),
    startedAt: c.startedAt, completedAt: c.completedAt,
  })));
}

/** `export candidates`: every field of the candidate's record, flat; libraries and timings one column per key. */
export function candidateTable(records: readonly CandidateExportRecord[]): FlatTable {
  const libraries = unionKeys(records.map((r) => r.evaluation?.libraries ?? {}));
  const timings = unionKeys(records.map((r) => r.evaluation?.timings ?? {}));
  return flatTable(records.map((r) => {
    const g = r.generation;
    const e = r.evaluation;
    const n = r.novelty;
    const row: Record<string, Cell> = {
      experimentId: r.experimentId, candidateId: r.candidateId, cycle: r.cycle, index: r.index, status: r.status,
      generatedAt: r.generatedAt, updatedAt: r.updatedAt, lastPosition: r.lastPosition,
      generatorId: g.generatorId, generatorVersion: g.generatorVersion, codeHash: g.codeHash, promptHash: g.promptHash,
      generationSeed: g.seed, outputTokens: g.outputTokens, temperature: g.temperature, topK: g.topK, topP: g.topP,
      maxNewTokens: g.maxNewTokens, parentEntryId: g.parentEntryId,
      rejectionStage: r.rejection?.stage ?? null, rejectionMessage: r.rejection?.message ?? null,
      accuracy: e?.accuracy ?? null, loss: e?.loss ?? null, params: e?.params ?? r.rejection?.params ?? null, flops: e?.flops ?? null,
      datasetId: e?.datasetId ?? null, datasetHash: e?.datasetHash ?? null, protocolHash: e?.protocolHash ?? null,
      evaluationSeed: e?.seed ?? null, device: e?.device ?? r.rejection?.device ?? null,
      structuralFingerprint: e?.structuralFingerprint ?? null, measuredBy: e?.measuredBy ?? null,
      selfReported: e ? e.selfReported.join(';') : null,
      ...Object.fromEntries(libraries.map((k) => [`library_${k}`, e?.libraries[k] ?? null])),
      ...Object.fromEntries(timings.map((k) => [`timing_${k}`, e?.timings[k] ?? null])),
      jTrain: n?.jTrain ?? null, nearestTrainId: n?.nearestTrainId ?? null, jGen: n?.jGen ?? null, nearestGenId: n?.nearestGenId ?? null,
      nearDupTextTrain: n?.nearDupTextTrain ?? null, nearDupTextGen: n?.nearDupTextGen ?? null,
      structuralDuplicateOf: n?.structuralDuplicateOf ?? null,
      admitted: r.admission?.admitted ?? null, architectureId: r.admission?.architectureId ?? null,
      notAdmittedReason: r.admission?.notAdmittedReason ?? null,
    };
    return row;
  }));
}

function unionKeys(records: readonly Readonly<Record<string, unknown>>[]): string[] {
  return [...new Set(records.flatMap((r) => Object.keys(r)))].sort();
}
