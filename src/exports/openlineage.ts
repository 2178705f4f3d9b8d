import { createHash } from 'node:crypto';
import { LedgerError } from '../../domain/shared/ledger-error';
import type { CandidateExportRecord, CycleExportRow, ExportDataResult } from '../queries/export-data/export-data.query';

/** Who wrote the events (OpenLineage `producer`, and every facet's `_producer`). */
export const OPENLINEAGE_PRODUCER = 'https://github.com/nas-ledger/nas-ledger/tree/0.1.0';
const RUN_EVENT_SCHEMA = 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent';
/**
 * The custom facets' JSON Schema: it ships in this repository as docs/openlineage/nas-ledger-facets.json (the `$defs`
 * name each facet). OpenLineage wants a URL in every facet's `_schemaURL`; this default is where that file would be on
 * GitHub, which is NOT published. Whoever publishes the file sets NAS_LEDGER_OPENLINEAGE_SCHEMA_URL to where it lives.
 */
export const NAS_LEDGER_FACETS_SCHEMA = 'https://github.com/nas-ledger/nas-ledger/blob/main/docs/openlineage/nas-ledger-facets.json';
export const FACETS_SCHEMA_ENV = 'NAS_LEDGER_OPENLINEAGE_SCHEMA_URL';

/** The facets' schema URL: $NAS_LEDGER_OPENLINEAGE_SCHEMA_URL when set (an http(s) URL without a fragment), else the default. */
export function facetsSchemaUrl(env: NodeJS.ProcessEnv = process.env): string {
  const given = env[FACETS_SCHEMA_ENV]?.trim();
  if (given === undefined || given === '') return NAS_LEDGER_FACETS_SCHEMA;
  let url: URL | null = null;
  try {
    url = new URL(given);
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.hash !== '') {
    throw new LedgerError('BAD_INPUT', `${FACETS_SCHEMA_ENV} must be an http(s) URL without a #fragment, got "${given}"`,
      `Point it at where docs/openlineage/nas-ledger-facets.json is published, e.g. https://example.org/nas-ledger-facets.json; ` +
      `unset, ${NAS_LEDGER_FACETS_SCHEMA} is used.`,
      { [FACETS_SCHEMA_ENV]: given });
  }
  return given;
}
const STANDARD = {
  parent: 'https://openlineage.io/spec/facets/1-0-1/ParentRunFacet.json#/$defs/ParentRunFacet',
  errorMessage: 'https://openlineage.io/spec/facets/1-0-1/ErrorMessageRunFacet.json#/$defs/ErrorMessageRunFacet',
  jobType: 'https://openlineage.io/spec/facets/2-0-3/JobTypeJobFacet.json#/$defs/JobTypeJobFacet',
  datasetVersion: 'https://openlineage.io/spec/facets/1-0-1/DatasetVersionDatasetFacet.json#/$defs/DatasetVersionDatasetFacet',
} as const;
export const JOB_NAMESPACE = 'nas-ledger';

type Json = Record<string, unknown>;

/**
 * OpenLineage RunEvents of one experiment: one run per cycle (START, then COMPLETE once it completed) and one per
 * evaluation (COMPLETE, or FAIL for a rejected program), the evaluation runs parented to their cycle's run. The
 * program's code, the dataset and the generator version are datasets whose datasetVersion facet carries the hash.
 */
export function openLineageEvents(data: ExportDataResult): Json[] {
  const events: Json[] = [];
  facetsSchemaUrl(); // a bad $NAS_LEDGER_OPENLINEAGE_SCHEMA_URL fails here, before any event is built
  for (const experiment of data.experiments) {
    const candidates = data.candidates.filter((c) => c.experimentId === experiment.experimentId);
    for (const cycle of data.cycles.filter((c) => c.experimentId === experiment.experimentId)) {
      const cycleRun = runId(`${cycle.experimentId}/cycle/${cycle.cycle}`);
      const job = { namespace: JOB_NAMESPACE, name: `${cycle.experimentId}.cycle` };
      const mine = candidates.filter((c) => c.cycle === cycle.cycle);
      const inputs = [
        ...(cycle.generator ? [generatorDataset(cycle.generator.id, cycle.generator.version)] : []),
        ...(experiment.datasetId ? [dataDataset(experiment.datasetId, null)] : []),
      ];
      const cycleFacets = { nasLedger_cycle: customFacet('NasLedgerCycleRunFacet', cycleFacetFields(cycle)) };
      if (cycle.startedAt) events.push(runEvent('START', cycle.startedAt, cycleRun, cycleFacets, job, 'CYCLE', inputs, []));
      for (const candidate of mine) {
        const evaluation = evaluationEvent(candidate, experiment.datasetId, cycleRun, job.name);
        if (evaluation) events.push(evaluation);
      }
      if (cycle.completed && cycle.completedAt) {
        const outputs = [
          ...mine.filter((c) => c.admission?.admitted).map((c) => codeDataset(c)),
          ...(cycle.fineTunedTo ? [generatorDataset(cycle.fineTunedTo.id, cycle.fineTunedTo.version)] : []),
        ];
        events.push(runEvent('COMPLETE', cycle.completedAt, cycleRun, cycleFacets, job, 'CYCLE', inputs, outputs));
      }
    }
  }
  return events;
}

function evaluationEvent(c: CandidateExportRecord, datasetId: string | null, parentRun: string, parentJob: string): Json | null {
  if (!c.evaluation && !c.rejection) return null;
  const facets: Json = {
    parent: { ...standard('parent'), run: { runId: parentRun }, job: { namespace: JOB_NAMESPACE, name: parentJob } },
    nasLedger_evaluation: customFacet('NasLedgerEvaluationRunFacet', {
      experimentId: c.experimentId, candidateId: c.candidateId, cycle: c.cycle, index: c.index, status: c.status,
      codeHash: c.generation.codeHash, accuracy: c.evaluation?.accuracy ?? null, loss: c.evaluation?.loss ?? null,
      params: c.evaluation?.params ?? c.rejection?.params ?? null, flops: c.evaluation?.flops ?? null,
      protocolHash: c.evaluation?.protocolHash ?? null, seed: c.evaluation?.seed ?? null,
      device: c.evaluation?.device ?? c.rejection?.device ?? null, rejectionStage: c.rejection?.stage ?? null,
      jTrain: c.novelty?.jTrain ?? null, nearestTrainId: c.novelty?.nearestTrainId ?? null,
      admitted: c.admission?.admitted ?? null, notAdmittedReason: c.admission?.notAdmittedReason ?? null,
    }),
  };
  if (c.rejection) facets.errorMessage = { ...standard('errorMessage'), message: `${c.rejection.stage}: ${c.rejection.message}`, programmingLanguage: 'python' };
  const inputs = [
    codeDataset(c),
    ...(c.evaluation ? [dataDataset(c.evaluation.datasetId, c.evaluation.datasetHash)] : datasetId ? [dataDataset(datasetId, null)] : []),
    generatorDataset(c.generation.generatorId, c.generation.generatorVersion),
  ];
  const job = { namespace: JOB_NAMESPACE, name: `${c.experimentId}.evaluate` };
  return runEvent(c.rejection ? 'FAIL' : 'COMPLETE', c.updatedAt, runId(`${c.experimentId}/evaluation/${c.candidateId}`), facets, job, 'EVALUATION', inputs, []);
}

function runEvent(eventType: 'START' | 'COMPLETE' | 'FAIL', eventTime: string, id: string, runFacets: Json,
  job: { namespace: string; name: string }, jobType: string, inputs: Json[], outputs: Json[]): Json {
  return {
    eventType, eventTime,
    run: { runId: id, facets: runFacets },
    job: { ...job, facets: { jobType: { ...standard('jobType'), processingType: 'BATCH', integration: 'NAS_LEDGER', jobType } } },
    inputs, outputs,
    producer: OPENLINEAGE_PRODUCER, schemaURL: RUN_EVENT_SCHEMA,
  };
}

function cycleFacetFields(c: CycleExportRow): Json {
  return {
    experimentId: c.experimentId, cycle: c.cycle, generated: c.generated, valid: c.valid, admitted: c.admitted,
    corpusSize: c.corpusSize, meanAccuracy: c.meanAccuracy, generatorVersion: c.generator?.version ?? null,
    fineTunedToVersion: c.fineTunedTo?.version ?? null,
  };
}

function codeDataset(c: CandidateExportRecord): Json {
  return dataset('nas-ledger://code', `${c.experimentId}/${c.candidateId}.py`, c.generation.codeHash, 'code');
}

function dataDataset(datasetId: string, contentHash: string | null): Json {
  return dataset('nas-ledger://datasets', datasetId, contentHash, 'dataset');
}

function generatorDataset(id: string, version: string): Json {
  return dataset('nas-ledger://generators', id, version, 'generator');
}

function dataset(namespace: string, name: string, hash: string | null, kind: string): Json {
  const facets: Json = { nasLedger_hashes: customFacet('NasLedgerHashesDatasetFacet', { kind, hash }) };
  if (hash !== null) facets.datasetVersion = { ...standard('datasetVersion'), datasetVersion: hash };
  return { namespace, name, facets };
}

function standard(name: keyof typeof STANDARD): Json {
  return { _producer: OPENLINEAGE_PRODUCER, _schemaURL: STANDARD[name] };
}

function customFacet(definition: string, fields: Json): Json {
  return { _producer: OPENLINEAGE_PRODUCER, _schemaURL: `${facetsSchemaUrl()}#/$defs/${definition}`, ...fields };
}

/** A name-based UUID (version 5, SHA-1) so the same run gets the same id in every export. */
export function runId(name: string): string {
  const namespace = Buffer.from('6f0c3a1e2b7d4c59a8e1d2f3b4c5a697', 'hex');
  const bytes = createHash('sha1').update(namespace).update(name).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
