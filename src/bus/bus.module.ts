import { Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { AGENT_BUS, type AgentBus } from './agent-bus.port';
import { openAgentBus, type OpenBusOptions } from './open-agent-bus';

export interface BusModuleOptions extends OpenBusOptions {
  /** inproc | kafka://host:port[,host:port] */
  readonly url: string;
}

@Injectable()
class BusShutdown implements OnApplicationShutdown {
  constructor(@Inject(AGENT_BUS) private readonly bus: AgentBus) {}

  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
  }
}

/** The agent bus as a global provider (AGENT_BUS); an unreachable Kafka fails the application's start-up with UNAVAILABLE. */
@Module({})
export class BusModule {
  static forRoot(options: BusModuleOptions): DynamicModule {
    return {
      module: BusModule,
      global: true,
      providers: [{ provide: AGENT_BUS, useFactory: () => openAgentBus(options.url, options) }, BusShutdown],
      exports: [AGENT_BUS],
    };
  }
}
