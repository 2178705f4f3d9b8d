import { runPythonJob } from '../python/python-job';
import { defaultPython } from '../python/start-python';

/** The reviewer's machine as gpu-agent/runner/review_environment.py sees it (recorded in ReviewStarted). */
export interface LocalReviewEnvironment {
  readonly datasetContentHash: string | null;
  readonly libraries: Readonly<Record<string, string | null>>;
  readonly sandbox: string;
}

export function probeReviewEnvironment(dataset: string, options: { python?: string; timeoutMs?: number } = {}): Promise<LocalReviewEnvironment> {
  return runPythonJob(options.python ?? defaultPython(), 'review_environment.py', { dataset }, options.timeoutMs ?? 120_000);
}
