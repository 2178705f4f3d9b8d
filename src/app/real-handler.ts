import type { JobHandler } from '../bus/agent-bus.port';

/**
 * The real (PyTorch / generator) job handler of the GPU agent, when this build has it. Looked up at run time so
 * the loop builds and runs on the sim backends while the agent is absent.
 */
export async function loadRealHandler(): Promise<JobHandler | null> {
  return null;
}
