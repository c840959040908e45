// Which process runs a stack job right now (the window, `logclaw serve` and the CLI share the data
// folder): a small pid file, so a second process never resumes a job the first is still running.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs-atomic.js';

interface Holder {
  pid: number;
  jobId: string;
  at: number;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // A killed process's pid may be reused by an unrelated one: on Linux, only a Node/Electron process counts.
  if (process.platform === 'linux') {
    try {
      return /node|electron|logclaw/i.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
    } catch {
      return false;
    }
  }
  return true;
}

export class StackLock {
  readonly #path: string;

  constructor(dataDir: string) {
    this.#path = join(dataDir, 'stack', 'running.json');
  }

  #read(): Holder | null {
    try {
      return JSON.parse(readFileSync(this.#path, 'utf8')) as Holder;
    } catch {
      return null;
    }
  }

  /** The pid of another live process running a stack job, if any. */
  heldElsewhere(): Holder | null {
    const holder = this.#read();
    return holder && holder.pid !== process.pid && isAlive(holder.pid) ? holder : null;
  }

  async take(jobId: string): Promise<void> {
    await writeFileAtomic(this.#path, JSON.stringify({ pid: process.pid, jobId, at: Date.now() } satisfies Holder));
  }

  release(jobId: string): void {
    const holder = this.#read();
    if (holder?.pid === process.pid && holder.jobId === jobId) rmSync(this.#path, { force: true });
  }
}
