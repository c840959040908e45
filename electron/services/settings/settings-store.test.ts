import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../../tests/support/temp.js';
import { SettingsStore } from './settings-store.js';

const tempDir = useTempDir('logclaw-settings-');

describe('SettingsStore', () => {
  it('starts from defaults when there is no file', async () => {
    const store = new SettingsStore(tempDir());
    expect(await store.load()).toMatchObject({ theme: 'system', tenant: 'dev-local', toolPaths: {} });
    expect(store.notices).toEqual([]);
  });

  it('persists updates atomically and reloads them', async () => {
    const dir = tempDir();
    const store = new SettingsStore(dir);
    await store.load();
    await Promise.all([
      store.update({ theme: 'dark' }),
      store.update({ toolPaths: { helm: '/opt/helm' } }),
      store.update({ tenant: 'acme' }),
    ]);
    expect(readdirSync(dir)).toEqual(['settings.json']);
    const reloaded = new SettingsStore(dir);
    expect(await reloaded.load()).toMatchObject({ theme: 'dark', tenant: 'acme', toolPaths: { helm: '/opt/helm' } });
    await reloaded.update({ toolPaths: { helm: null } });
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')).toolPaths).toEqual({});
  });

  it('refuses an invalid change and keeps the saved file untouched', async () => {
    const dir = tempDir();
    const store = new SettingsStore(dir);
    await store.update({ theme: 'light' });
    const before = readFileSync(join(dir, 'settings.json'), 'utf8');
    await expect(store.update({ tenant: 'UPPER' })).rejects.toMatchObject({ code: 'SETTINGS_INVALID' });
    expect(readFileSync(join(dir, 'settings.json'), 'utf8')).toBe(before);
    expect(store.current.theme).toBe('light');
  });

  it('keeps the mirrors, clears one with null and refuses a URL as image mirror or a host as chart repository', async () => {
    const dir = tempDir();
    const store = new SettingsStore(dir);
    await store.update({ mirrors: { images: 'registry.example.com:5000/mirror', operatorCharts: 'https://charts.example.com/mirror/' } });
    expect(await new SettingsStore(dir).load()).toMatchObject({
      mirrors: { images: 'registry.example.com:5000/mirror', operatorCharts: 'https://charts.example.com/mirror/' },
    });
    await store.update({ mirrors: { operatorCharts: null } });
    expect(store.current.mirrors).toEqual({ images: 'registry.example.com:5000/mirror' });
    await expect(store.update({ mirrors: { images: 'https://registry.example.com' } })).rejects.toMatchObject({
      code: 'SETTINGS_INVALID',
      message: expect.stringContaining('an image mirror is a registry host'),
    });
    await expect(store.update({ mirrors: { operatorCharts: 'charts.example.com' } })).rejects.toMatchObject({
      code: 'SETTINGS_INVALID',
      message: expect.stringContaining('an http:// or https:// URL'),
    });
    expect(store.current.mirrors).toEqual({ images: 'registry.example.com:5000/mirror' });
  });

  it.each([
    ['broken JSON', '{"theme": "dark",'],
    ['a schema violation', JSON.stringify({ theme: 'purple' })],
  ])('keeps a corrupt file (%s) as .bak, uses defaults and says so', async (_label, content) => {
    const dir = tempDir();
    writeFileSync(join(dir, 'settings.json'), content);
    const store = new SettingsStore(dir);
    expect((await store.load()).theme).toBe('system');
    expect(readFileSync(join(dir, 'settings.json.bak'), 'utf8')).toBe(content);
    expect(existsSync(join(dir, 'settings.json'))).toBe(false);
    expect(store.notices).toHaveLength(1);
    expect(store.notices[0]).toMatchObject({ id: 'settings-corrupt', level: 'warn' });
    expect(store.notices[0]!.hint).toContain('settings.json.bak');
  });
});
