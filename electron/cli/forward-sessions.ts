// `logclaw forward start` keeps its forwards in its own foreground process. Each such process
// registers in <dataDir>/forward-sessions/<pid>.json, so `logclaw forward stop <name>` from another
// terminal can ask it (through a <pid>.stop file) to stop one forward, or end it for --all.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ForwardSession {
  pid: number;
  ids: string[];
}

function dir(dataDir: string): string {
  const path = join(dataDir, 'forward-sessions');
  mkdirSync(path, { recursive: true });
  return path;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Running sessions; files of dead processes are removed on the way. */
export function listSessions(dataDir: string): ForwardSession[] {
  const sessions: ForwardSession[] = [];
  for (const file of readdirSync(dir(dataDir)).filter((name) => /^\d+\.json$/.test(name))) {
    const path = join(dir(dataDir), file);
    try {
      const session = JSON.parse(readFileSync(path, 'utf8')) as ForwardSession;
      if (alive(session.pid)) sessions.push(session);
      else rmSync(path, { force: true });
    } catch {
      rmSync(path, { force: true });
    }
  }
  return sessions;
}

export function registerSession(
  dataDir: string,
  ids: string[],
): { update(ids: string[]): void; takeStopRequests(): string[]; close(): void } {
  const file = join(dir(dataDir), `${process.pid}.json`);
  const stopFile = join(dir(dataDir), `${process.pid}.stop`);
  const write = (current: string[]) => writeFileSync(file, JSON.stringify({ pid: process.pid, ids: current }));
  write(ids);
  return {
    update: write,
    takeStopRequests() {
      if (!existsSync(stopFile)) return [];
      const requested = readFileSync(stopFile, 'utf8').split('\n').filter(Boolean);
      rmSync(stopFile, { force: true });
      return requested;
    },
    close() {
      rmSync(file, { force: true });
      rmSync(stopFile, { force: true });
    },
  };
}

export function requestStop(dataDir: string, session: ForwardSession, id: string): void {
  writeFileSync(join(dir(dataDir), `${session.pid}.stop`), `${id}\n`, { flag: 'a' });
}
