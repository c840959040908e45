// The only module that talks to the backend: Electron's preload (IPC) when present, otherwise the
// loopback HTTP/WebSocket bridge that `logclaw serve` runs.
import {
  AppError,
  type Channel,
  type Envelope,
  type EventName,
  type EventPayload,
  type LogclawApi,
  type PreloadApi,
  type Request,
  type Response,
  unwrap,
} from '#contract/index.js';
import { decodeTailFrame } from '#contract/tail-frame.js';

declare global {
  interface Window {
    logclaw?: PreloadApi;
  }
}

const TOKEN_KEY = 'logclaw.token';

function ipcApi(preload: PreloadApi): LogclawApi {
  return {
    async invoke(channel, request) {
      const call = preload.channels[channel] as (request: unknown) => Promise<Envelope<unknown>>;
      return unwrap(await call(request)) as never;
    },
    on: (event, listener) => preload.on(event, listener),
  };
}

/** Takes the token from ?token= once, keeps it for this tab, and removes it from the address bar. */
function takeToken(): string {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
  }
  return fromUrl ?? sessionStorage.getItem(TOKEN_KEY) ?? '';
}

function httpApi(): LogclawApi {
  const token = takeToken();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let retry = 500;

  function connect(): void {
    const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(`${scheme}://${window.location.host}/api/events?token=${encodeURIComponent(token)}`);
    socket.onopen = () => {
      retry = 500;
    };
    // Tail batches arrive as binary frames (tail-frame.ts), every other event as JSON text.
    socket.binaryType = 'arraybuffer';
    socket.onmessage = (message) => {
      const { event, payload } =
        message.data instanceof ArrayBuffer
          ? { event: 'kafka:messages', payload: decodeTailFrame(new Uint8Array(message.data)) }
          : (JSON.parse(String(message.data)) as { event: string; payload: unknown });
      listeners.get(event)?.forEach((listener) => listener(payload));
    };
    socket.onclose = () => {
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 10_000);
    };
  }
  connect();

  return {
    async invoke(channel, request) {
      let response: globalThis.Response;
      try {
        response = await fetch(`/api/invoke/${channel}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
          body: JSON.stringify(request ?? {}),
        });
      } catch (error) {
        throw new AppError('INTERNAL', 'The LogClaw backend is not reachable', {
          hint: 'Is `logclaw serve` still running? Start it again and open the URL it prints.',
          detail: String(error),
        });
      }
      return unwrap((await response.json()) as Envelope<never>);
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (payload: unknown) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (payload: unknown) => void);
    },
  };
}

const api: LogclawApi = window.logclaw ? ipcApi(window.logclaw) : httpApi();

export function invoke<C extends Channel>(channel: C, request?: Request<C>): Promise<Response<C>> {
  return api.invoke(channel, request);
}

export function on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
  return api.on(event, listener);
}

export const transport = window.logclaw ? 'ipc' : 'http';
