import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { useTempDir } from '../../tests/support/temp.js';
import { JsonFile } from './json-file.js';

const tempDir = useTempDir('logclaw-json-file-');
const Schema = z.object({ items: z.array(z.string()).default([]) });
const corruptNotice = ({ problem, backup }: { problem: string; backup: string }) => ({
  id: 'test-corrupt',
  message: problem,
  hint: backup,
});

describe('JsonFile', () => {
  it('applies queued changes in order; load() answers the current content, not the first read', async () => {
    const path = join(tempDir(), 'a.json');
    const file = new JsonFile(path, Schema, corruptNotice);
    expect(await file.load()).toEqual({ items: [] });
    await Promise.all(['x', 'y', 'z'].map((item) => file.update((current) => ({ items: [...current.items, item] }))));
    expect(await file.load()).toEqual({ items: ['x', 'y', 'z'] });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ items: ['x', 'y', 'z'] });
  });

  it('leaves content and file as they were when a change throws', async () => {
    const path = join(tempDir(), 'a.json');
    const file = new JsonFile(path, Schema, corruptNotice);
    await file.update(() => ({ items: ['kept'] }));
    await expect(
      file.update(() => {
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(file.value).toEqual({ items: ['kept'] });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ items: ['kept'] });
  });

  it('keeps a corrupt file as .bak with a warning, and starts from the defaults', async () => {
    const path = join(tempDir(), 'a.json');
    writeFileSync(path, '{"items": [1]}');
    const file = new JsonFile(path, Schema, corruptNotice);
    expect(await file.load()).toEqual({ items: [] });
    expect(file.notices).toEqual([expect.objectContaining({ id: 'test-corrupt', level: 'warn', hint: `${path}.bak` })]);
    expect(readFileSync(`${path}.bak`, 'utf8')).toBe('{"items": [1]}');
  });
});
