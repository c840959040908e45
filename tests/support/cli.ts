import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { execa } from 'execa';
import { sourceRoot } from '../../electron/services/paths.js';

/** The CLI as compiled for this test run (tests/support/global-setup.ts); bin/logclaw.mjs outside one. */
export const LOGCLAW_BIN = process.env.LOGCLAW_TEST_CLI ?? join(sourceRoot(), 'bin', 'logclaw.mjs');

/** Runs the real CLI as a user would (`npx logclaw …`), in a separate process. */
export function runCli(args: string[], env: NodeJS.ProcessEnv) {
  return execa(process.execPath, [LOGCLAW_BIN, ...args], { env, extendEnv: false, reject: false });
}

/** Starts `logclaw serve` and resolves with its URL once it prints the ready line. */
export async function startServe(env: NodeJS.ProcessEnv): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [LOGCLAW_BIN, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`logclaw serve printed no URL within 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      const match = /^LogClaw UI: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)$/m.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`logclaw serve exited with ${code}:\n${output}`)));
  });
  return { url, child };
}

/** PATH with the test-env helm/kubectl first, then the system folders (for node, tar…). */
export function pathWith(...dirs: string[]): string {
  return [...dirs, '/usr/local/bin', '/usr/bin', '/bin'].join(':');
}
