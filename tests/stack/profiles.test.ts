// The install profiles measured as preflight and the Stack pane measure them: every release of a
// profile rendered by real helm from charts/ with the values the install gives it (the profile's,
// then the user's), summed with the operators it needs; and the lean profile against the memory
// and CPUs of an 8 GB laptop's Docker Desktop.
//
// The budget. Docker Desktop's VM gets "up to 50% of your host's memory" and "all the processors
// available on the host machine" by default (docs.docker.com, Docker Desktop → Change settings →
// Resources → Advanced), so an 8 GB machine runs containers in a 4 GiB VM; the smallest 8 GB Macs
// have 4 logical CPUs. kind's node takes its share of that VM first: its control plane and add-ons
// request 950m CPU (API server 250m, controller manager 200m, scheduler 100m, etcd 100m, two CoreDNS
// 100m each, kindnet 100m) and, with the kubelet, containerd and the API server's unrequested
// memory, about 1 GiB. So the stack's requests get 3 GiB and 3 CPUs; that is also where preflight
// says "pass" rather than "tight" on that VM (it wants a quarter more than the requests: 3.75 GiB).
// Its memory limits may reach 3.5 GiB: every container at its limit at once, with the idle node's
// half GiB, still fits the VM, so the kernel never picks a process to kill. CPU limits only throttle,
// so they have no budget.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ProfileInfo, ProfilesReport } from '#contract/stack.js';
import { type Backend, createBackend } from '../../electron/backend.js';
import { preparedCharts } from '../charts/support.js';
import { useTestEnv } from '../support/test-env.js';
import { FAKES } from './support.js';

const GiB = 1024 ** 3;
const LAPTOP = { memoryBytes: 4 * GiB, cpus: 4 };
const BUDGET = { requests: { memoryBytes: 3 * GiB, cpuMillis: 3000 }, limits: { memoryBytes: 3.5 * GiB } };

describe('install profiles, rendered with real helm', () => {
  let home: string;
  let backend: Backend;
  let templates = 0;

  beforeAll(async () => {
    const { tools } = await useTestEnv('tools');
    const chartsDir = await preparedCharts(tools.helm);
    home = mkdtempSync(join(tmpdir(), 'logclaw-profiles-'));
    // The fake docker answers as Docker Desktop does on an 8 GB laptop (tools inherit this process's environment).
    vi.stubEnv('LOGCLAW_FAKE_DOCKER_MEM_TOTAL', String(LAPTOP.memoryBytes));
    vi.stubEnv('LOGCLAW_FAKE_DOCKER_NCPU', String(LAPTOP.cpus));
    backend = await createBackend({
      transport: 'cli',
      dataDir: home,
      env: {
        PATH: [FAKES, dirname(tools.helm), dirname(process.execPath), '/usr/bin', '/bin'].join(':'),
        HOME: process.env.HOME,
        LOGCLAW_CHARTS_DIR: chartsDir,
      },
      onExec: (command) => {
        if (command.tool === 'helm' && command.args[0] === 'template') templates += 1;
      },
    });
  }, 600_000);

  afterAll(async () => {
    vi.unstubAllEnvs();
    await backend?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  const profile = (report: ProfilesReport, name: string): ProfileInfo => report.profiles.find((p) => p.name === name)!;

  it('the lean pipeline profile fits an 8 GB laptop (requests and limits); the full one does not', async () => {
    const report = await backend.call('stack:profiles', { target: { mode: 'kind', cluster: 'logclaw-dev' } });
    expect(report.capacity).toEqual({ source: 'docker', memoryBytes: LAPTOP.memoryBytes, cpuMillis: LAPTOP.cpus * 1000 });
    const pipeline = profile(report, 'pipeline');
    expect(pipeline).toMatchObject({
      releases: ['platform', 'kafka', 'opensearch', 'ingestion', 'anomaly-scorer', 'ticketing-agent'],
      operators: ['cert-manager', 'external-secrets', 'strimzi'],
    });
    expect(pipeline.error).toBeUndefined();
    expect(pipeline.requests!.memoryBytes).toBeLessThanOrEqual(BUDGET.requests.memoryBytes);
    expect(pipeline.requests!.cpuMillis).toBeLessThanOrEqual(BUDGET.requests.cpuMillis);
    expect(pipeline.limits!.memoryBytes).toBeLessThanOrEqual(BUDGET.limits.memoryBytes);

    const full = profile(report, 'full');
    expect(full.releases).toHaveLength(9);
    expect(full.requests!.memoryBytes).toBeGreaterThan(BUDGET.requests.memoryBytes);

    // Preflight measures the same numbers, and passes the lean profile on that laptop without "tight".
    const preflight = await backend.call('stack:preflight', { target: { mode: 'kind', cluster: 'logclaw-dev' } });
    const resources = preflight.checks.find((check) => check.id === 'resources')!;
    expect(resources.status).toBe('pass');
    expect(resources.reason).toContain("the pipeline profile's 6 releases rendered by helm");
    const fullPreflight = await backend.call('stack:preflight', { target: { mode: 'kind', cluster: 'logclaw-dev' }, profile: 'full' });
    expect(fullPreflight.checks.find((check) => check.id === 'resources')!.status).toBe('fail');
  }, 300_000);

  it("toggles add their releases' share; a toggled part already rendered costs no helm run", async () => {
    const before = (await backend.call('stack:profiles', {})).profiles;
    const rendered = templates;
    const report = await backend.call('stack:profiles', { toggles: ['airflow'] });
    const lean = profile({ capacity: null, profiles: before }, 'pipeline');
    const withAirflow = profile(report, 'pipeline');
    expect(withAirflow.releases).toEqual(['platform', 'kafka', 'opensearch', 'ingestion', 'airflow', 'anomaly-scorer', 'ticketing-agent']);
    expect(withAirflow.toggles.find((toggle) => toggle.name === 'airflow')!.on).toBe(true);
    // Airflow without profile values renders as in the full profile: already measured.
    expect(templates).toBe(rendered);
    const full = profile(report, 'full');
    expect(withAirflow.requests!.memoryBytes - lean.requests!.memoryBytes).toBeGreaterThan(0);
    expect(full.toggles).toEqual([]);
    // The flink toggle brings the Flink operator and its share.
    const flink = profile(await backend.call('stack:profiles', { toggles: ['flink'] }), 'pipeline');
    expect(flink.operators).toEqual(['cert-manager', 'external-secrets', 'strimzi', 'flink-operator']);
    expect(flink.requests!.cpuMillis).toBeGreaterThan(lean.requests!.cpuMillis);
  }, 300_000);

  it("renders with the user's values: a disabled release is not measured, a raised request is", async () => {
    const lean = profile(await backend.call('stack:profiles', {}), 'pipeline');
    const valuesFile = join(home, 'values.yaml');
    writeFileSync(
      valuesFile,
      'logclaw-opensearch:\n  standalone:\n    resources: {requests: {cpu: "1", memory: 2Gi}, limits: {memory: 3Gi}}\n',
    );
    const raised = profile(await backend.call('stack:profiles', { valuesFile }), 'pipeline');
    // The profile's 768Mi request and 1Gi limit gave way to the user's.
    expect(raised.requests!.memoryBytes - lean.requests!.memoryBytes).toBe(2 * GiB - 768 * 1024 ** 2);
    expect(raised.limits!.memoryBytes - lean.limits!.memoryBytes).toBe(2 * GiB);

    const without = profile(await backend.call('stack:profiles', { overrides: 'logclaw-ingestion:\n  enabled: false\n' }), 'pipeline');
    expect(without.releases).toEqual(['platform', 'kafka', 'opensearch', 'anomaly-scorer', 'ticketing-agent']);
    expect(without.requests!.memoryBytes).toBeLessThan(lean.requests!.memoryBytes);
    const preflight = await backend.call('stack:preflight', { overrides: 'logclaw-ingestion:\n  enabled: false\n' });
    expect(preflight.checks.find((check) => check.id === 'resources')!.reason).toContain("the pipeline profile's 5 releases");
  }, 300_000);
});
