// Runs a command of the test environment to completion (node built-ins only: the fake `kind` runs
// it too).
import { spawn } from 'node:child_process';
import * as path from 'node:path';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run a command to completion (never rejects on exit code; rejects if it cannot start). */
export function runCmd(
  cmd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; input?: string; onLine?: (l: string) => void; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let partial = '';
    const onText = (d: Buffer) => {
      if (!opts.onLine) return;
      const parts = (partial + d.toString('utf8')).split('\n');
      partial = parts.pop() ?? '';
      for (const l of parts) opts.onLine(l);
    };
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString('utf8');
      onText(d);
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString('utf8');
      onText(d);
    });
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
    child.on('error', (e) => reject(new Error(`cannot run ${cmd}: ${e.message}`)));
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (partial && opts.onLine) opts.onLine(partial);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}

export async function mustRun(cmd: string, args: string[], opts: Parameters<typeof runCmd>[2] = {}): Promise<string> {
  const r = await runCmd(cmd, args, opts);
  if (r.code !== 0) {
    throw new Error(`${path.basename(cmd)} ${args.join(' ')} failed (exit ${r.code}):\n${(r.stderr || r.stdout).slice(-4000)}`);
  }
  return r.stdout;
}
