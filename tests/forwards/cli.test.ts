// `logclaw forward …` in real processes: start holds the forward in the foreground, list in another
// process sees it, stop from a third process ends it.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { type Server, createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/test-env/env.js';
import { LOGCLAW_BIN, runCli } from '../support/cli.js';
import { serviceBackedBy, waitFor } from '../support/kube.js';
import { type EndpointTypes, useTestEnv } from '../support/test-env.js';

const TENANT = `fc${Date.now().toString(36).slice(-5)}`;

describe('logclaw forward', () => {
  let env: Pick<EndpointTypes, 'kube'>;
  let server: Server;
  let home: string;
  let cliEnv: NodeJS.ProcessEnv;

  beforeAll(async () => {
    env = await useTestEnv('kube');
    server = createServer((req, res) => res.end(`ticketing agent ${req.url}`));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    await serviceBackedBy(env.kube, {
      namespace: `logclaw-${TENANT}`,
      name: `logclaw-ticketing-agent-${TENANT}`,
      port: 8080,
      targetPort: 8081,
      realPort: (server.address() as { port: number }).port,
    });
    home = mkdtempSync(join(tmpdir(), 'logclaw-forward-cli-'));
    cliEnv = { PATH: process.env.PATH, HOME: process.env.HOME, LOGCLAW_HOME: home, KUBECONFIG: env.kube.kubeconfig };
  });
  afterAll(() => {
    server.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('starts in the foreground, is listed elsewhere and stops on request', async () => {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [LOGCLAW_BIN, 'forward', 'start', 'ticketing', '--port', String(port), '--tenant', TENANT, '--json'],
      { env: cliEnv },
    );
    const lines: Array<{ id: string; state: string; localPort: number }> = [];
    child.stdout.setEncoding('utf8').on('data', (chunk: string) =>
      lines.push(
        ...chunk
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line)),
      ),
    );
    await waitFor(() => lines.some((line) => line.state === 'ready'), 'a ready line', 60_000);
    expect(lines[0]).toMatchObject({ id: 'ticketing', localPort: port });
    expect(await (await fetch(`http://127.0.0.1:${port}/health`)).text()).toBe('ticketing agent /health');

    const listed = JSON.parse((await runCli(['forward', 'list', '--json', '--tenant', TENANT], cliEnv)).stdout) as Array<{
      id: string;
      heldBy: number | null;
      spec: { localPort: number; target: { name: string } };
    }>;
    const ticketing = listed.find((f) => f.id === 'ticketing')!;
    expect(ticketing.heldBy).toBe(child.pid);
    expect(ticketing.spec).toMatchObject({ localPort: port, target: { name: `logclaw-ticketing-agent-${TENANT}` } });

    const stopped = await runCli(['forward', 'stop', 'ticketing'], cliEnv);
    expect(stopped.exitCode).toBe(0);
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  });

  it('explains bad usage and a missing session with coded errors', async () => {
    const noName = await runCli(['forward', 'start'], cliEnv);
    expect(noName.exitCode).toBe(1);
    expect(noName.stderr).toContain('error [INVALID_REQUEST]: Name a forward or pass --all');
    const none = await runCli(['forward', 'stop', 'kafka'], cliEnv);
    expect(none.stderr).toContain('error [NOT_FOUND]');
    const unknown = await runCli(['forward', 'start', 'nope', '--tenant', TENANT], cliEnv);
    expect(unknown.stderr).toMatch(/error \[NOT_FOUND\]: No forward "nope"\nhint: Known forwards: airflow, opensearch/);
    const badTenant = await runCli(['forward', 'list', '--tenant', 'Bad_Tenant'], cliEnv);
    expect(badTenant.stderr).toContain('error [INVALID_REQUEST]: Tenant "Bad_Tenant" is not valid');
  });
});
