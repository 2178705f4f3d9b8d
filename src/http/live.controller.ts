import { Controller, Inject, Sse, type MessageEvent, type OnModuleDestroy } from '@nestjs/common';
import { Observable, Subject, takeUntil } from 'rxjs';
import { experimentIdOf } from '../../domain/experiment/ledger-event';
import { EVENT_STORE, type EventStore } from '../ledger/event-store.port';

/**
 * How often the head is looked at while someone listens, and how often an unchanged head is re-sent (so proxies and the
 * server's socket idle timeout do not close a quiet stream).
 */
export const LIVE_TIMING = { POLL_MS: 400, HEARTBEAT_MS: 20_000 } as const;
/** The experiments touched by the new events are named when there are at most this many of them (else null: "any"). */
const MAX_EVENTS_INSPECTED = 2_000;

export interface HeadEvent {
  readonly head: number;
  /** Experiment ids the events since the previous head belong to; null when not inspected (first event, or too many). */
  readonly experiments: readonly string[] | null;
}

/**
 * GET /api/live: server-sent events, one `head` event when the stream opens and one each time events are appended,
 * so the dashboard redraws as a run goes on instead of polling. The store is asked for its head (a cheap query)
 * every POLL_MS while at least this client listens; streams end when the server closes.
 */
@Controller('api')
export class LiveController implements OnModuleDestroy {
  private readonly closing = new Subject<void>();

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Sse('live')
  live(): Observable<MessageEvent> {
    return new Observable<MessageEvent>((subscriber) => {
      let last = -1;
      let lastSent = 0;
      let busy = false;
      const tick = async (): Promise<void> => {
        if (busy) return;
        busy = true;
        try {
          const head = await this.store.head();
          if (head === last && Date.now() - lastSent < LIVE_TIMING.HEARTBEAT_MS) return;
          const event: HeadEvent = { head, experiments: last < 0 || head === last ? null : await this.touched(last, head) };
          last = head;
          lastSent = Date.now();
          subscriber.next({ type: 'head', data: event });
        } catch (error) {
          subscriber.error(error);
        } finally {
          busy = false;
        }
      };
      void tick();
      const timer = setInterval(() => void tick(), LIVE_TIMING.POLL_MS);
      return () => clearInterval(timer);
    }).pipe(takeUntil(this.closing));
  }

  onModuleDestroy(): void {
    // An open event stream would keep the HTTP server from closing: end them all first.
    this.closing.next();
    this.closing.complete();
  }

  private async touched(after: number, head: number): Promise<string[] | null> {
    if (head - after > MAX_EVENTS_INSPECTED) return null;
    const ids = new Set<string>();
    for (const event of await this.store.readAll({ after, upTo: head })) {
      const id = experimentIdOf(event);
      if (id !== null) ids.add(id);
    }
    return [...ids];
  }
}
