import type { RecordedEvent } from '../../domain/shared/event-envelope';
import type { SubscribeOptions, Subscription, SubscriptionHandler } from './event-store.port';

export interface SubscriptionSource {
  head(): Promise<number>;
  read(after: number, upTo: number, limit: number): Promise<RecordedEvent[]>;
  loadCheckpoint(name: string): Promise<number>;
  saveCheckpoint(name: string, position: number): Promise<void>;
  /** Settles once the store listens for appends (never rejects); the loop starts after it, so no wake-up is missed. */
  readonly ready?: Promise<unknown>;
}

const PAGE = 500;
/** Checkpoint writes are batched this often during catch-up; never past an event whose handler has not succeeded. */
const CHECKPOINT_EVERY_EVENTS = 100;
const CHECKPOINT_EVERY_MS = 250;

/**
 * Catch-up, then live, by polling the global log from the stored checkpoint (woken early by poke() when the store
 * hears of an append). At-least-once: the checkpoint is
 * written only after handlers succeeded, so a crash re-delivers at most the events since the last write.
 * A failing handler is retried (with back-off) and never skipped.
 */
export class PollingSubscription implements Subscription {
  readonly caughtUp: Promise<void>;
  private resolveCaughtUp!: () => void;
  private stopping = false;
  private wake: (() => void) | null = null;
  /** Ends the idle wait between polls only (never a back-off after a failure). */
  private wakeIdle: (() => void) | null = null;
  /** Set by poke(); a notification that arrives while a page is being read is not lost. */
  private poked = false;
  private loop: Promise<void> | null = null;
  /** Global position up to which every event has been handled (or filtered out). */
  private position = 0;
  /** Why the subscription ended on its own, if it did. */
  failure: unknown = null;

  constructor(
    readonly name: string,
    private readonly handler: SubscriptionHandler,
    private readonly options: SubscribeOptions,
    private readonly source: SubscriptionSource,
    private readonly onStopped: () => void,
  ) {
    this.caughtUp = new Promise((resolve) => { this.resolveCaughtUp = resolve; });
  }

  start(): void {
    this.loop = this.run().catch((error: unknown) => {
      // Only reached when the store itself keeps failing (closed, unreachable); the subscription ends.
      this.failure = error;
    }).finally(() => {
      this.resolveCaughtUp();
      this.onStopped();
    });
  }

  /** The store heard of a new append (LISTEN/NOTIFY): look now instead of at the next poll. */
  poke(): void {
    this.poked = true;
    this.wakeIdle?.();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    const pollMs = this.options.pollIntervalMs ?? 100;
    await this.source.ready;
    this.position = await this.retrying(() => this.source.loadCheckpoint(this.name));
    const target = await this.retrying(() => this.source.head());
    let failures = 0;
    while (!this.stopping) {
      try {
        this.poked = false;
        const head = await this.source.head();
        await this.deliverUpTo(head);
        failures = 0;
        if (this.position >= target) this.resolveCaughtUp();
        if (this.position >= head && !this.poked) await this.sleep(pollMs, true);
      } catch {
        // The handler failure was already reported through onError; back off, then retry from the checkpoint.
        failures++;
        await this.sleep(Math.min(5000, pollMs * 2 ** Math.min(failures, 6)));
      }
    }
  }

  /** Delivers every event in (position, head], advancing this.position only past handled events. */
  private async deliverUpTo(head: number): Promise<void> {
    let saved = this.position;
    let savedAt = Date.now();
    try {
      while (this.position < head && !this.stopping) {
        const page = await this.source.read(this.position, head, PAGE);
        for (const event of page) {
          if (this.stopping) return;
          try {
            await this.handler(event);
          } catch (error) {
            this.options.onError?.(error, event);
            throw error;
          }
          this.position = event.globalPosition;
          if (this.position - saved >= CHECKPOINT_EVERY_EVENTS || Date.now() - savedAt >= CHECKPOINT_EVERY_MS) {
            await this.source.saveCheckpoint(this.name, this.position);
            saved = this.position;
            savedAt = Date.now();
          }
        }
        // A filtered page shorter than the limit means nothing else of interest lies up to head.
        if (page.length < PAGE) this.position = head;
      }
    } finally {
      if (this.position !== saved) await this.source.saveCheckpoint(this.name, this.position).catch(() => undefined);
    }
  }

  private sleep(ms: number, idle = false): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => { clearTimeout(timer); this.wake = null; this.wakeIdle = null; resolve(); };
      const timer = setTimeout(done, ms);
      this.wake = done;
      if (idle) this.wakeIdle = done;
    });
  }

  private async retrying<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (error) {
        if (this.stopping || attempt >= 5) throw error;
        await this.sleep(200 * (attempt + 1));
      }
    }
  }
}
