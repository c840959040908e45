import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../../tests/support/temp.js';
import { LogsStore } from './logs-store.js';

const tempDir = useTempDir('logclaw-logs-store-');

describe('logs.json', () => {
  it('keeps the Vector URL and templates across restarts; quick saves keep every template', async () => {
    const dir = tempDir();
    const store = new LogsStore(dir);
    await Promise.all([
      store.setVectorUrl('http://127.0.0.1:18080/'),
      store.saveTemplate('mine-a', 'first', { message: 'a' }),
      store.saveTemplate('mine-b', '', { message: 'b' }),
      store.saveTemplate('payment-timeout', 'my copy', { message: 'changed', level: 'WARN' }),
    ]);
    const again = await new LogsStore(dir).state();
    expect(again.vectorUrl).toBe('http://127.0.0.1:18080');
    const names = again.templates.map((t) => `${t.name}${t.builtin ? '*' : ''}`);
    expect(names[0]).toBe('payment-timeout');
    expect(names).toContain('mine-a');
    expect(names).toContain('mine-b');
    expect(names).toContain('checkout-order*');
    expect(again.templates[0]).toMatchObject({ builtin: false, event: { message: 'changed' } });
    expect(JSON.parse(readFileSync(join(dir, 'logs.json'), 'utf8')).templates).toHaveLength(3);
  });

  it('sets a corrupt file aside as logs.json.bak with a notice, and never overwrites it', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'logs.json'), '{"templates": [ {"name": "precious", "event": {"message": "x"}} ');
    const store = new LogsStore(dir);
    const state = await store.state();
    expect(state.notices).toEqual([
      expect.objectContaining({ id: 'logs-file-corrupt', level: 'warn', hint: expect.stringContaining('logs.json.bak') }),
    ]);
    expect(state.templates.every((t) => t.builtin)).toBe(true);
    expect(readFileSync(join(dir, 'logs.json.bak'), 'utf8')).toContain('precious');
    await store.saveTemplate('new-one', '', { message: 'y' });
    expect(readFileSync(join(dir, 'logs.json.bak'), 'utf8')).toContain('precious');
  });

  it('refuses to delete a built-in template, and deletes the user copy that shadowed it', async () => {
    const store = new LogsStore(tempDir());
    await expect(store.deleteTemplate('payment-timeout')).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    await store.saveTemplate('payment-timeout', '', { message: 'mine' });
    await store.deleteTemplate('payment-timeout');
    expect((await store.template('payment-timeout')).builtin).toBe(true);
  });
});
