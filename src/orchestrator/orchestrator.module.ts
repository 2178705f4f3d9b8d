import { Inject, Injectable, Module, type OnModuleDestroy } from '@nestjs/common';
import { CommandBus, CqrsModule } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '../ledger/event-store.port';
import { AGENT_BUS, type AgentBus } from '../bus/agent-bus.port';
import { LoopOrchestrator, type OrchestratorOptions } from './orchestrator';
import { loopCommandsOn } from './loop-commands';

/**
 * The process manager as a Nest provider: `drive(options)` starts a LoopOrchestrator for one experiment on the
 * application's store, bus and CommandBus; every one still running is stopped when the application shuts down.
 */
@Injectable()
export class OrchestratorService implements OnModuleDestroy {
  private readonly running = new Set<LoopOrchestrator>();

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore, @Inject(AGENT_BUS) private readonly bus: AgentBus,
    @Inject(CommandBus) private readonly commandBus: CommandBus) {}

  async drive(options: OrchestratorOptions): Promise<LoopOrchestrator> {
    const orchestrator = new LoopOrchestrator(this.store, this.bus, loopCommandsOn(this.commandBus), options);
    this.running.add(orchestrator);
    const forget = () => { this.running.delete(orchestrator); };
    orchestrator.done.then(forget, forget);
    await orchestrator.start();
    return orchestrator;
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.running].map((o) => o.stop()));
    this.running.clear();
  }
}

/**
 * Needs EVENT_STORE and AGENT_BUS from global modules (LedgerModule, BusModule), and the experiments' command
 * handlers (ExperimentsModule) on the global CqrsModule.
 */
@Module({ imports: [CqrsModule], providers: [OrchestratorService], exports: [OrchestratorService] })
export class OrchestratorModule {}
