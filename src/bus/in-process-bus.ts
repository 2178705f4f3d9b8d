import type { AgentJob } from './agent-job';
import type { AgentBus, JobConsumer, JobHandler } from './agent-bus.port';

/**
 * The embedded bus: one append-only job log in memory; every consumer group reads the whole log from
 * the start, and the consumers of one group share it (each job goes to one of them), as on a Kafka topic.
 * A handler that rejects is retried after a short back-off, like an uncommitted Kafka offset; jobs are
 * redelivered at most `maxAttempts` times. Nothing here is durable: after a crash the orchestrator
 * re-derives the pending jobs from the ledger and publishes them again (agents skip finished ones).
 */
export interface InProcessBusOptions {
  readonly retryDelayMs?: number;
  readonly maxAttempts?: number;
  /** Called when a job is given up after maxAttempts; default: written to stderr. */
  readonly onGiveUp?: (job: AgentJob, error: unknown) => void;
}

interface Delivery {
  readonly job: AgentJob;
  attempts: number;
}

interface Worker {
  readonly concurrency: number;
  running: number;
  stopped: boolean;
  readonly handler: JobHandler;
  readonly inFlight: Set<Promise<void>>;
}

class Group {
  readonly queue: Delivery[] = [];
  readonly workers: Worker[] = [];
  private next = 0;

  constructor(private readonly bus: InProcessBus) {}

  enqueue(delivery: Delivery): void {
    this.queue.push(delivery);
    this.pump();
  }

  /** Hands queued jobs to workers with free capacity, round-robin so a group's consumers share the load. */
  pump(): void {
    while (this.queue.length > 0) {
      const live = this.workers.filter((w) => !w.stopped && w.running < w.concurrency);
      if (live.length === 0) return;
      const worker = live[this.next++ % live.length]!;
      const delivery = this.queue.shift()!;
      this.run(worker, delivery);
    }
  }

  private run(worker: Worker, delivery: Delivery): void {
    worker.running++;
    delivery.attempts++;
    const done = Promise.resolve()
      .then(() => worker.handler(delivery.job))
      .then(
        () => undefined,
        (error: unknown) => this.bus.retry(this, delivery, error),
      )
      .finally(() => {
        worker.running--;
        worker.inFlight.delete(done);
        this.pump();
      });
    worker.inFlight.add(done);
  }
}

export class InProcessBus implements AgentBus {
  private readonly log: AgentJob[] = [];
  private readonly groups = new Map<string, Group>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;
  private readonly retryDelayMs: number;
  private readonly maxAttempts: number;
  private readonly onGiveUp: (job: AgentJob, error: unknown) => void;

  constructor(options: InProcessBusOptions = {}) {
    this.retryDelayMs = options.retryDelayMs ?? 250;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.onGiveUp = options.onGiveUp ?? ((job, error) => {
      process.stderr.write(`in-process bus: giving up job ${job.jobId} after ${this.maxAttempts} attempts: ${String(error)}\n`);
    });
  }

  async publish(job: AgentJob): Promise<void> {
    if (this.closed) throw new Error('in-process bus is closed');
    this.log.push(job);
    for (const group of this.groups.values()) group.enqueue({ job, attempts: 0 });
  }

  async consume(groupName: string, handler: JobHandler, options: { readonly concurrency?: number } = {}): Promise<JobConsumer> {
    if (this.closed) throw new Error('in-process bus is closed');
    let group = this.groups.get(groupName);
    if (!group) {
      group = new Group(this);
      this.groups.set(groupName, group);
      // A new group starts from the beginning of the log, as a Kafka group with auto.offset.reset=earliest.
      for (const job of this.log) group.queue.push({ job, attempts: 0 });
    }
    const worker: Worker = {
      concurrency: Math.max(1, options.concurrency ?? 1), running: 0, stopped: false, handler, inFlight: new Set(),
    };
    group.workers.push(worker);
    group.pump();
    const owner = group;
    return {
      stop: async () => {
        worker.stopped = true;
        await Promise.allSettled([...worker.inFlight]);
        const at = owner.workers.indexOf(worker);
        if (at >= 0) owner.workers.splice(at, 1);
        owner.pump();
      },
    };
  }

  /** @internal A failed delivery goes back to its group's queue after a back-off, until maxAttempts. */
  retry(group: Group, delivery: Delivery, error: unknown): void {
    if (this.closed) return;
    if (delivery.attempts >= this.maxAttempts) {
      this.onGiveUp(delivery.job, error);
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.closed) group.enqueue(delivery);
    }, this.retryDelayMs * delivery.attempts);
    this.timers.add(timer);
  }

  /** Jobs published so far (for diagnostics and tests). */
  get published(): readonly AgentJob[] {
    return this.log;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const stopping: Promise<unknown>[] = [];
    for (const group of this.groups.values()) {
      for (const worker of group.workers) {
        worker.stopped = true;
        stopping.push(Promise.allSettled([...worker.inFlight]));
      }
      group.queue.length = 0;
    }
    await Promise.all(stopping);
  }
}
