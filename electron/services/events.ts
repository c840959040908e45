import { EventEmitter } from 'node:events';
import type { EventName, EventPayload } from '#contract/index.js';

/** Backend → UI pushes. Transports subscribe with `onAny` and forward every event unchanged. */
export class EventBus {
  readonly #emitter = new EventEmitter().setMaxListeners(0);

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    this.#emitter.emit('event', event, payload);
  }

  onAny(listener: (event: EventName, payload: unknown) => void): () => void {
    this.#emitter.on('event', listener);
    return () => this.#emitter.off('event', listener);
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    return this.onAny((name, payload) => {
      if (name === event) listener(payload as EventPayload<E>);
    });
  }
}
