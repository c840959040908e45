import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isPortFree, nextFreePort, portOwner } from './ports.js';

describe('local ports', () => {
  it('sees a port taken by this process and suggests the next free one', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    expect(await isPortFree(port)).toBe(false);
    const next = await nextFreePort(port);
    expect(next).toBeGreaterThan(port);
    expect(await isPortFree(next!)).toBe(true);
    expect(await portOwner(port)).toMatchObject({ pid: process.pid });
    await new Promise((resolve) => server.close(resolve));
    expect(await isPortFree(port)).toBe(true);
  });

  it('names another process that holds a port', async () => {
    const child = spawn(
      process.execPath,
      ['-e', "require('net').createServer().listen(0,'127.0.0.1',function(){console.log(this.address().port)})"],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const port = Number(await new Promise<string>((resolve) => child.stdout.once('data', (data) => resolve(String(data).trim()))));
      const owner = await portOwner(port);
      expect(owner?.pid).toBe(child.pid);
      expect(owner?.command).toContain('createServer');
    } finally {
      child.kill();
    }
  });
});
