// @ts-check
/*
 * Live updates: the server pushes a `head` event (server-sent events, GET /api/live) whenever events are appended.
 * If the stream cannot be opened the page falls back to asking /api/head every few seconds.
 */
import { api } from './dom.js';

/**
 * Calls `onHead(head, experiments)` for each new head, with the experiment ids the new events touched when known.
 * @param {(head: number, experiments: string[] | null) => void} onHead
 * @returns {{ mode: () => string }}
 */
export function followHead(onHead) {
  let mode = 'connecting';
  let timer = /** @type {ReturnType<typeof setInterval> | null} */ (null);
  const poll = () => {
    if (timer !== null) return;
    mode = 'polling';
    document.body.dataset.live = mode;
    timer = setInterval(() => {
      api('/api/head').then((h) => onHead(h.head, null), () => undefined);
    }, 5000);
  };
  if (typeof EventSource !== 'function') { poll(); return { mode: () => mode }; }
  const source = new EventSource('/api/live');
  source.addEventListener('open', () => { mode = 'live'; document.body.dataset.live = mode; });
  source.addEventListener('head', (event) => {
    const data = JSON.parse(/** @type {MessageEvent} */ (event).data);
    onHead(data.head, Array.isArray(data.experiments) ? data.experiments : null);
  });
  source.addEventListener('error', () => {
    // EventSource retries by itself; a stream the server refused (CLOSED) falls back to polling.
    if (source.readyState === EventSource.CLOSED) poll();
  });
  return { mode: () => mode };
}
