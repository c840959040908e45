import { describe, expect, it } from 'vitest';
import { type PreflightProbes, runPreflight } from './preflight.js';

const GiB = 1024 ** 3;
const tool = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  found: true,
  ok: true,
  path: `/usr/bin/${name}`,
  version: '1.0.0',
  hint: null,
  daemon: null,
  ...extra,
});

function probes(overrides: Partial<PreflightProbes> = {}, proc: Record<string, string> = {}): PreflightProbes {
  const files: Record<string, string> = {
    '/proc/sys/vm/max_map_count': '262144',
    '/proc/sys/fs/inotify/max_user_watches': '524288',
    '/proc/sys/fs/inotify/max_user_instances': '512',
    ...proc,
  };
  return {
    platform: 'linux',
    mode: 'kind',
    tools: async () =>
      [
        tool('docker', { daemon: { reachable: true, message: 'docker engine 27.5.1 is running' } }),
        tool('podman', { found: false, ok: false }),
        tool('kind'),
        tool('helm'),
        tool('kubectl'),
      ] as never,
    runtime: async () => ({ name: 'docker', memoryBytes: 16 * GiB, cpus: 8 }),
    requests: async () => ({ cpuMillis: 3000, memoryBytes: 8 * GiB, source: 'test' }),
    readProc: async (path) => files[path] ?? '',
    freeDisk: async () => 100 * GiB,
    diskPath: '/data',
    ports: async () => [{ port: 9200, title: 'OpenSearch API', free: true }],
    ...overrides,
  };
}

const byId = (report: Awaited<ReturnType<typeof runPreflight>>) => Object.fromEntries(report.checks.map((check) => [check.id, check]));

describe('preflight', () => {
  it('passes on a machine that has everything', async () => {
    const report = await runPreflight(probes());
    expect(report.ok).toBe(true);
    expect(report.checks.map((check) => [check.id, check.status])).toEqual([
      ['container-runtime', 'pass'],
      ['resources', 'pass'],
      ['vm-max-map-count', 'pass'],
      ['inotify', 'pass'],
      ['disk', 'pass'],
      ['ports', 'pass'],
      ['tools', 'pass'],
    ]);
  });

  it('fails vm.max_map_count below 262144 with the sysctl fix and how to persist it; --ignore-preflight accepts it', async () => {
    const report = await runPreflight(probes({}, { '/proc/sys/vm/max_map_count': '65530' }));
    const check = byId(report)['vm-max-map-count']!;
    expect(check).toMatchObject({ status: 'fail', command: 'sudo sysctl -w vm.max_map_count=262144' });
    expect(check.reason).toContain('65530');
    expect(check.fix).toContain('/etc/sysctl.d/');
    expect(report.ok).toBe(false);
    expect((await runPreflight(probes({}, { '/proc/sys/vm/max_map_count': '65530' }), ['vm-max-map-count'])).ok).toBe(true);
  });

  it('says what is wrong with the runtime, memory, inotify, disk, ports and tools', async () => {
    const report = byId(
      await runPreflight(
        probes(
          {
            tools: async () =>
              [
                tool('docker', {
                  ok: false,
                  daemon: { reachable: false, message: 'Cannot connect to the Docker daemon' },
                  hint: 'Start Docker',
                }),
                tool('podman', { found: false, ok: false }),
                tool('kind', { found: false, ok: false, hint: 'Run npm run fetch-tools' }),
                tool('helm'),
                tool('kubectl'),
              ] as never,
            runtime: async () => ({ name: 'docker', memoryBytes: 4 * GiB, cpus: 2 }),
            freeDisk: async () => 5 * GiB,
            ports: async () => [{ port: 9200, title: 'OpenSearch API', free: false, owner: 'java (pid 42)' }],
          },
          { '/proc/sys/fs/inotify/max_user_watches': '8192' },
        ),
      ),
    );
    expect(report['container-runtime']).toMatchObject({ status: 'fail', command: 'sudo systemctl start docker' });
    expect(report['container-runtime']!.reason).toContain('Cannot connect to the Docker daemon');
    expect(report['resources']).toMatchObject({ status: 'fail' });
    expect(report['resources']!.reason).toContain('4.0 GiB');
    expect(report['inotify']).toMatchObject({ status: 'warn' });
    expect(report['disk']).toMatchObject({ status: 'fail' });
    expect(report['ports']!.reason).toContain('9200 (OpenSearch API, held by java (pid 42))');
    expect(report['tools']).toMatchObject({ status: 'fail', fix: 'Run npm run fetch-tools' });
  });

  it("for an existing cluster, checks the cluster's capacity and skips what belongs to its nodes", async () => {
    const report = byId(
      await runPreflight(probes({ mode: 'existing', clusterCapacity: async () => ({ cpuMillis: 2000, memoryBytes: 32 * GiB, nodes: 1 }) })),
    );
    expect(report['container-runtime']!.status).toBe('skip');
    expect(report['vm-max-map-count']!.status).toBe('skip');
    expect(report['resources']).toMatchObject({ status: 'fail' });
    expect(report['resources']!.reason).toContain("the cluster's 1 node(s) can allocate 2 CPU");
  });
});
