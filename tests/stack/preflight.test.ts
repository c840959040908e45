// Preflight on this very machine (no fakes for what it measures): its real /proc values, its real
// container runtime (a docker client without an engine here), its free disk and ports, and the
// stack's requests rendered by helm from charts/. Then `logclaw up` stopping at preflight before
// anything is created.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend } from '../../electron/backend.js';
import { MAX_MAP_COUNT } from '../../electron/services/stack/preflight.js';
import { preparedCharts } from '../charts/support.js';
import { runCli } from '../support/cli.js';
import { useTestEnv } from '../support/test-env.js';
import { FAKES, jsonLines } from './support.js';

describe('preflight on this machine', () => {
  let home: string;
  let tools: { helm: string; kubectl: string };
  let chartsDir: string;

  beforeAll(async () => {
    ({ tools } = await useTestEnv('tools'));
    chartsDir = await preparedCharts(tools.helm);
    home = mkdtempSync(join(tmpdir(), 'logclaw-preflight-'));
  }, 600_000);
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('reports what this machine really has, each check with its reason and fix', async () => {
    // The system's own docker/podman (if any), not the test fakes.
    const path = [dirname(tools.helm), '/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'].join(':');
    const backend = await createBackend({
      transport: 'cli',
      dataDir: join(home, 'a'),
      env: { ...process.env, PATH: path, LOGCLAW_CHARTS_DIR: chartsDir },
    });
    try {
      const report = await backend.call('stack:preflight', { target: { mode: 'kind', cluster: 'logclaw-dev' } });
      const check = Object.fromEntries(report.checks.map((c) => [c.id, c]));

      const mapCount = Number(readFileSync('/proc/sys/vm/max_map_count', 'utf8'));
      if (mapCount < MAX_MAP_COUNT) {
        expect(check['vm-max-map-count']).toMatchObject({ status: 'fail', command: 'sudo sysctl -w vm.max_map_count=262144' });
        expect(check['vm-max-map-count']!.reason).toContain(`vm.max_map_count is ${mapCount}`);
        expect(check['vm-max-map-count']!.fix).toContain('/etc/sysctl.d/99-logclaw.conf');
        expect(report.ok).toBe(false);
      } else {
        expect(check['vm-max-map-count']!.status).toBe('pass');
      }

      const runtimes = await backend.call('tools:detect', { only: ['docker', 'podman'] });
      const reachable = runtimes.find((r) => r.daemon?.reachable);
      if (reachable) expect(check['container-runtime']!.status).toBe('pass');
      else {
        expect(check['container-runtime']!.status).toBe('fail');
        const found = runtimes.find((r) => r.found);
        expect(check['container-runtime']!.reason).toContain(found ? 'daemon is not reachable' : 'Neither docker nor podman was found');
        expect(check['container-runtime']!.fix).toBeTruthy();
      }
      // Without a reachable runtime there is nothing to compare with; the requests are still rendered.
      expect(check['resources']!.reason).toMatch(/the stack requests \d/);
      expect(check['disk']!.reason).toMatch(/GiB free at /);
      expect(check['ports']!.reason).toMatch(/8080|forward ports are free/);
      expect(check['tools']!.reason).toMatch(/helm \d/);
      expect(report.checks.map((c) => c.id)).toEqual([
        'container-runtime',
        'resources',
        'vm-max-map-count',
        'inotify',
        'disk',
        'ports',
        'tools',
        'chart-digests',
      ]);
      // The install's charts check, run here as its preflight step runs it: cert-manager has no digest (stack.yaml says why).
      expect(check['chart-digests']).toMatchObject({
        status: 'fail',
        command: 'logclaw up --accept-chart cert-manager',
        accept: [
          {
            name: 'cert-manager',
            version: 'v1.16.1',
            repository: 'https://charts.jetstack.io',
            why: expect.stringContaining('not established'),
          },
        ],
      });
      expect(report.ok).toBe(false);
    } finally {
      await backend.close();
    }
  }, 300_000);

  it('`logclaw up` stops at a failed preflight with each fix, before any cluster is created', async () => {
    const dataDir = join(home, 'b');
    const env = {
      PATH: [FAKES, dirname(tools.helm), dirname(process.execPath), '/usr/bin', '/bin'].join(':'),
      HOME: process.env.HOME,
      LOGCLAW_HOME: dataDir,
      LOGCLAW_CHARTS_DIR: chartsDir,
      LOGCLAW_FAKE_KIND_HOME: join(home, 'fake-kind'),
      // A stopped engine, whatever this machine has.
      LOGCLAW_FAKE_DOCKER_DOWN: '1',
    };
    const run = await runCli(['up', '--tenant', 'pf', '--json'], env);
    expect(run.exitCode).toBe(1);
    const result = jsonLines<{
      event: string;
      failure?: { stepId: string; code: string; message: string; hint?: string; lastLines: string[] };
    }>(run.stdout).find((event) => event.event === 'result')!;
    expect(result.failure).toMatchObject({ stepId: 'preflight', code: 'PREFLIGHT_FAILED' });
    expect(result.failure!.message).toContain('Container runtime');
    // Without the stand-ins permission (this env has none) and without accepting it, a chart with no digest stops the install here.
    expect(result.failure!.message).toContain('Charts: dependencies, digests, stand-ins');
    expect(result.failure!.lastLines.join('\n')).toMatch(
      /✗ Charts: dependencies, digests, stand-ins: .*cert-manager v1\.16\.1 has no recorded digest/,
    );
    expect(result.failure!.lastLines.join('\n')).toContain('logclaw up --accept-chart cert-manager');
    expect(result.failure!.hint).toContain('--ignore-preflight container-runtime');
    expect(result.failure!.lastLines.join('\n')).toMatch(
      /✗ Container runtime: docker is installed but its daemon is not reachable: Cannot connect to the Docker daemon/,
    );
    expect(existsSync(join(home, 'fake-kind'))).toBe(false);
    expect(existsSync(join(dataDir, 'stack', 'kubeconfig'))).toBe(false);

    const human = await runCli(['up', '--tenant', 'pf'], env);
    expect(human.stderr).toContain('error [PREFLIGHT_FAILED]');
    expect(human.stderr).toMatch(/fix: Start Docker Desktop/);
  }, 300_000);
});
