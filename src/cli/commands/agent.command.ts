import type { Command } from 'commander';
import { openEventStore } from '../../ledger/open-event-store';
import { openAgentBus } from '../../bus/open-agent-bus';
import { startAgentFor, startLocalAgent } from '../../app/agent-wiring';
import { intOption, log, untilStopSignal } from '../cli-context';

interface AgentFlags {
  bus: string; store?: string; device: string; workers?: number; valSubset?: number; timeout: number; threads: number; agentId?: string;
}

export function register(program: Command): void {
  program.command('agent')
    .description('Run a GPU agent: take evaluate, generate and fine-tune jobs from the bus,\n' +
      'run them in sandboxed PyTorch runners, and append the results to the ledger. Stops cleanly on Ctrl-C / SIGTERM.')
    .option('--bus <url>', 'inproc | kafka://host:port', 'inproc')
    .option('--store <url>', 'postgres://... or a directory (default $NAS_LEDGER_STORE, then ./.nas-ledger)')
    .option('--device <d>', 'cpu | cuda | cuda:<n> | auto (cuda without a GPU fails at start-up)', 'auto')
    .option('--workers <n>', 'concurrent runners (default: CPU cores, or GPU memory in 6 GiB slices)', intOption('--workers', 1))
    .option('--val-subset <n>', 'validation images per evaluation (default: the whole test split)', intOption('--val-subset', 1))
    .option('--timeout <s>', 'wall-clock limit per candidate, seconds', intOption('--timeout', 1), 600)
    .option('--threads <n>', 'torch threads per runner', intOption('--threads', 1), 1)
    .option('--agent-id <id>', 'this agent\'s id in job claims (default: host-pid-random)')
    .action(async (flags: AgentFlags) => {
      if (flags.bus === 'inproc') log('nas-ledger agent: --bus inproc: only jobs published in this process reach this agent; use kafka://… to serve an orchestrator elsewhere');
      // The bus first: an unreachable broker fails within its bounded connect, before the store and the runners
      // exist (a runner pool left open would keep this process alive after the error).
      const bus = await openAgentBus(flags.bus);
      try {
        const store = await openEventStore(flags.store);
        try {
          // Generator versions and adapters are files: agents on several machines must share the artifact directory.
          const agent = await startAgentFor(store, flags.store, {
            device: flags.device, workers: flags.workers, agentId: flags.agentId, valSubset: flags.valSubset ?? null,
            timeoutS: flags.timeout, threads: flags.threads, log,
          });
          try {
            const consumer = await startLocalAgent(store, bus, { realHandler: agent.handler, concurrency: agent.concurrency, agentId: agent.agentId, log });
            await untilStopSignal();
            log('nas-ledger agent: stopping after the jobs in flight...');
            await consumer.stop();
          } finally {
            await agent.close();
          }
        } finally {
          await store.close();
        }
      } finally {
        await bus.close();
      }
    });
}
