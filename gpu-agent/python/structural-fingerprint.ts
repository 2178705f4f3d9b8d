import { existsSync } from 'node:fs';
import { structuralFingerprint, validateStructuralGraph } from '../../domain/novelty/structural-fingerprint';
import { defaultPython, runnerScriptPath, startPython } from './start-python';

/**
 * The structural fingerprint of two programs (gpu-agent/runner/fingerprint.py traces each model's graph): a one-shot
 * Python job like the others, started through startPython. A missing checkout or interpreter is a note, not an error.
 */
export type StructuralResult = { structuralMatch: boolean; structuralNote?: string; structuralA: string; structuralB: string }
  | { structuralMatch: null; structuralNote: string };

export async function compareStructure(a: string, b: string, dataset: string): Promise<StructuralResult> {
  let script: string;
  try {
    script = runnerScriptPath('fingerprint.py');
  } catch {
    return { structuralMatch: null, structuralNote: 'the nas-ledger checkout (gpu-agent/runner/fingerprint.py) was not found' };
  }
  if (!existsSync(script)) return { structuralMatch: null, structuralNote: `${script} does not exist` };
  if (!existsSync(defaultPython())) return { structuralMatch: null, structuralNote: `${defaultPython()} is not installed` };
  const [ga, gb] = await Promise.all([runFingerprint(a, dataset), runFingerprint(b, dataset)]);
  if ('error' in ga) return { structuralMatch: null, structuralNote: `${a}: ${ga.error}` };
  if ('error' in gb) return { structuralMatch: null, structuralNote: `${b}: ${gb.error}` };
  return { structuralMatch: ga.fingerprint === gb.fingerprint, structuralA: ga.fingerprint, structuralB: gb.fingerprint };
}

function runFingerprint(file: string, dataset: string): Promise<{ fingerprint: string } | { error: string }> {
  return new Promise((resolve) => {
    const child = startPython('fingerprint.py', ['--file', file, '--dataset', dataset], { cwd: process.cwd() });
    child.stdin.end();
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('error', (e) => { clearTimeout(timer); resolve({ error: `cannot run the fingerprint job: ${e.message}` }); });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) {
        resolve({ error: `the fingerprint job failed (exit ${code}): ${err.trim().split('\n').slice(-1)[0] ?? ''}` });
        return;
      }
      try {
        resolve({ fingerprint: structuralFingerprint(validateStructuralGraph(JSON.parse(out))) });
      } catch (e) {
        resolve({ error: `the fingerprint job printed an unusable graph: ${(e as Error).message}` });
      }
    });
  });
}

