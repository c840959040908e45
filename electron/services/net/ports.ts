// Local TCP port checks: is a port free on 127.0.0.1, who holds it (when the OS tells), and the next
// free one. Used by preflight and by the port-forward manager.
import { readFile, readdir, readlink } from 'node:fs/promises';
import { createServer } from 'node:net';
import { execa } from 'execa';

export interface PortOwner {
  pid: number;
  command: string;
}

/** True when we could bind the port on 127.0.0.1 right now. */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** The next free port after `port` (within 200), for "use 9201 instead" suggestions. */
export async function nextFreePort(port: number, host = '127.0.0.1'): Promise<number | null> {
  for (let candidate = port + 1; candidate < Math.min(port + 200, 65536); candidate++) {
    if (await isPortFree(candidate, host)) return candidate;
  }
  return null;
}

/** Who listens on a TCP port: /proc on Linux, lsof elsewhere; null when the OS does not say. */
export async function portOwner(port: number): Promise<PortOwner | null> {
  if (process.platform === 'linux') {
    const owner = await procPortOwner(port).catch(() => null);
    if (owner) return owner;
  }
  return lsofPortOwner(port);
}

async function procPortOwner(port: number): Promise<PortOwner | null> {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(table, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      // State 0A is LISTEN; the local address ends in the port as 4 hex digits.
      if (!local || fields[3] !== '0A' || parseInt(local.split(':')[1] ?? '', 16) !== port) continue;
      if (fields[9]) inodes.add(fields[9]);
    }
  }
  if (inodes.size === 0) return null;
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode && inodes.has(inode)) {
        const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0').filter(Boolean).join(' ');
        return { pid: Number(pid), command: cmdline || (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '?')).trim() };
      }
    }
  }
  return null;
}

async function lsofPortOwner(port: number): Promise<PortOwner | null> {
  const result = await execa('lsof', ['-nP', `-iTCP:${port}`, '-sTCP:LISTEN', '-Fpc'], { reject: false, timeout: 5000 });
  if (result.exitCode !== 0) return null;
  const pid = /^p(\d+)$/m.exec(String(result.stdout))?.[1];
  const command = /^c(.+)$/m.exec(String(result.stdout))?.[1];
  return pid ? { pid: Number(pid), command: command ?? '?' } : null;
}
