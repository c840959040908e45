// Performance marks for "run a query → table painted" (read by scripts/bench/search-render.ts):
//   search:run       the query was sent
//   search:response  the answer arrived and is about to be stored
//   search:painted   the first frame after the table rendered the new hits
// and measures search:render (run → painted) and search:paint (response → painted).
let pending = false;

export function markRun(): void {
  performance.clearMarks('search:run');
  performance.clearMarks('search:response');
  performance.mark('search:run');
  pending = true;
}

export function markResponse(): void {
  if (pending) performance.mark('search:response');
}

export function markFailed(): void {
  pending = false;
}

/** Called after React committed the table for a new result: waits for the next paint, then measures. */
export function markPaintedSoon(hits: number): void {
  if (!pending) return;
  pending = false;
  requestAnimationFrame(() => {
    // The frame is painted after this rAF callback; a task queued here runs after the paint.
    setTimeout(() => {
      performance.mark('search:painted', { detail: { hits } });
      performance.measure('search:render', { start: 'search:run', end: 'search:painted', detail: { hits } });
      performance.measure('search:paint', { start: 'search:response', end: 'search:painted', detail: { hits } });
    }, 0);
  });
}
