/**
 * FakeRunner: a stand-in for a runner that breaks (a crash or a hang can't be provoked on demand in the real one).
 * It greets like the real runner, then on its first request either exits (`crash`), never answers (`hang`) or
 * answers with a line that is not the protocol (`garbage`).
 * usage: node fake-runner.js crash|hang|garbage
 */
import { createInterface } from 'node:readline';
import { RUNNER_PROTOCOL_VERSION } from '../../gpu-agent/runner-pool/runner-protocol';

const mode = process.argv[2];
process.stdout.write(JSON.stringify({ v: RUNNER_PROTOCOL_VERSION, id: 'hello', ok: true, result: {
  runner: 'nas-ledger', protocolVersion: RUNNER_PROTOCOL_VERSION, pid: process.pid, sandbox: 'bwrap', sandboxWhy: null, libraries: {},
} }) + '\n');
createInterface({ input: process.stdin }).on('line', () => {
  if (mode === 'crash') process.exit(3);
  if (mode === 'garbage') process.stdout.write(`{"v": ${RUNNER_PROTOCOL_VERSION}, "surprise": true}\n`);
  // hang: say nothing, ever
});
