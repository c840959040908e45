import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceRoot } from '../services/paths.js';
import { CONTENT_SECURITY_POLICY, isAppUrl, isExternalLinkAllowed, isTrustedSender, secureWebPreferences } from './security.js';

const APP = 'file:///opt/LogClaw/resources/app.asar/dist/renderer/index.html';

describe('Electron window security', () => {
  it('isolates the renderer: context isolation, sandbox, no Node, no webviews', () => {
    expect(secureWebPreferences('/x/preload.cjs')).toMatchObject({
      preload: '/x/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('uses a strict CSP in the header and the page', () => {
    for (const directive of ["default-src 'self'", "script-src 'self'", "object-src 'none'", "base-uri 'none'", "connect-src 'self'"]) {
      expect(CONTENT_SECURITY_POLICY).toContain(directive);
    }
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
    const html = readFileSync(join(sourceRoot(), 'renderer', 'index.html'), 'utf8');
    expect(html).toContain("script-src 'self'");
  });

  it('denies navigation away from the app page', () => {
    expect(isAppUrl(APP, APP)).toBe(true);
    expect(isAppUrl(`${APP}#kafka`, APP)).toBe(true);
    expect(isAppUrl('https://evil.example/', APP)).toBe(false);
    expect(isAppUrl('file:///etc/passwd', APP)).toBe(false);
    expect(isAppUrl('not a url', APP)).toBe(false);
  });

  it('answers IPC only from the app page main frame', () => {
    expect(isTrustedSender(APP, true, APP)).toBe(true);
    expect(isTrustedSender(APP, false, APP)).toBe(false);
    expect(isTrustedSender('https://evil.example/', true, APP)).toBe(false);
    expect(isTrustedSender(undefined, true, APP)).toBe(false);
  });

  it('opens only http(s) links externally; window.open is always denied in-app', () => {
    expect(isExternalLinkAllowed('http://localhost:8080/')).toBe(true);
    expect(isExternalLinkAllowed('file:///etc/passwd')).toBe(false);
    expect(isExternalLinkAllowed('javascript:alert(1)')).toBe(false);
    const main = readFileSync(join(sourceRoot(), 'electron', 'main', 'main.ts'), 'utf8');
    expect(main).toMatch(/setWindowOpenHandler\([^]*return \{ action: 'deny' \}/);
    expect(main).toContain("on('will-navigate'");
    expect(main).toContain('isTrustedSender(');
  });

  it('exposes one function per channel from the preload, never ipcRenderer itself', () => {
    const preload = readFileSync(join(sourceRoot(), 'electron', 'main', 'preload.ts'), 'utf8');
    expect(preload).toContain("contextBridge.exposeInMainWorld('logclaw', api)");
    expect(preload).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer/);
    expect(preload).not.toMatch(/send\s*:/);
  });
});
