// Electron shell: a thin window around the shared backend. All behaviour lives in plain Node
// services (electron/services) that the bridge and the CLI use too.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BrowserWindow, app, ipcMain, session, shell } from 'electron';
import { CHANNELS, fail } from '#contract/index.js';
import { createBackend } from '../backend.js';
import { CONTENT_SECURITY_POLICY, isAppUrl, isExternalLinkAllowed, isTrustedSender, secureWebPreferences } from './security.js';

app.setName('logclaw-desktop');
app.enableSandbox();

async function start(): Promise<void> {
  await app.whenReady();
  const appRoot = app.isPackaged ? process.resourcesPath : app.getAppPath();
  const backend = await createBackend({
    transport: 'ipc',
    dataDir: app.getPath('userData'),
    appRoot,
    version: app.getVersion(),
    // A packaged app ignores the test hooks (LOGCLAW_OPERATOR_CHART_REPO, stand-ins, …); `npm start` honours them.
    packaged: app.isPackaged,
  });
  const indexFile = join(app.getAppPath(), 'dist', 'renderer', 'index.html');
  const appUrl = pathToFileURL(indexFile).href;

  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));

  for (const channel of CHANNELS) {
    ipcMain.handle(channel, async (event, payload: unknown) => {
      if (!isTrustedSender(event.senderFrame?.url, event.senderFrame === event.sender.mainFrame, appUrl)) {
        return fail(new Error(`IPC from an untrusted frame was refused: ${event.senderFrame?.url ?? 'unknown'}`));
      }
      return backend.invoke(channel, payload);
    });
  }

  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    title: 'LogClaw Desktop',
    webPreferences: secureWebPreferences(join(app.getAppPath(), 'dist', 'electron', 'preload.cjs')),
  });
  window.webContents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, appUrl)) event.preventDefault();
  });
  window.webContents.on('will-attach-webview', (event) => event.preventDefault());
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (isExternalLinkAllowed(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  const unsubscribe = backend.bus.onAny((name, payload) => {
    if (!window.isDestroyed()) window.webContents.send(`event:${name}`, payload);
  });
  window.on('closed', unsubscribe);
  await window.loadURL(appUrl);

  app.on('window-all-closed', () => {
    void backend.close().finally(() => app.quit());
  });
}

void start();
