// Sandboxed preload: exposes exactly one function per contract channel and one subscription per
// event. ipcRenderer itself never reaches the page.
import { contextBridge, ipcRenderer } from 'electron';
import { CHANNELS, type PreloadApi, isEventName } from '#contract/channels.js';

const channels = Object.fromEntries(
  CHANNELS.map((channel) => [channel, (request?: unknown) => ipcRenderer.invoke(channel, request)]),
) as PreloadApi['channels'];

const api: PreloadApi = {
  channels,
  on(event, listener) {
    if (!isEventName(event)) throw new Error(`Unknown event ${String(event)}`);
    const wrapped = (_event: Electron.IpcRendererEvent, payload: unknown) => listener(payload as never);
    ipcRenderer.on(`event:${event}`, wrapped);
    return () => ipcRenderer.off(`event:${event}`, wrapped);
  },
};

contextBridge.exposeInMainWorld('logclaw', api);
