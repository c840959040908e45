// The named fakes of the one boundary that cannot run here (Docker): `kind` builds a real
// (kwok-based) cluster and writes a kind-style kubeconfig; `docker` answers `info`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourceRoot } from '../../electron/services/paths.js';
import { useTestEnv } from '../support/test-env.js';

const FAKES = join(sourceRoot(), 'tests', 'fakes');

describe('fake kind and docker', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const name = `fk${Date.now().toString(36).slice(-5)}`;

  beforeAll(async () => {
    const { tools } = await useTestEnv('tools');
    dir = mkdtempSync(join(tmpdir(), 'logclaw-fake-kind-'));
    env = {
      ...process.env,
      PATH: `${FAKES}:${dirname(tools.kubectl)}:${process.env.PATH}`,
      LOGCLAW_FAKE_KIND_HOME: join(dir, 'state'),
      KUBECONFIG: join(dir, 'kubeconfig'),
    };
  });
  afterAll(async () => {
    await execa('kind', ['delete', 'cluster', '--name', name], { env, reject: false });
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates a cluster whose kind-<name> context client-node can use, with config labels', async () => {
    const config = join(dir, 'kind.yaml');
    writeFileSync(
      config,
      [
        'kind: Cluster',
        'apiVersion: kind.x-k8s.io/v1alpha4',
        'nodes:',
        '- role: control-plane',
        '  labels:',
        '    topology.kubernetes.io/zone: zone-a',
      ].join('\n'),
    );
    const created = await execa('kind', ['create', 'cluster', '--name', name, '--config', config, '--wait', '60s'], { env });
    expect(created.exitCode).toBe(0);
    expect((await execa('kind', ['get', 'clusters'], { env })).stdout.split('\n')).toContain(name);

    const kubeconfig = join(dir, 'exported');
    writeFileSync(kubeconfig, (await execa('kind', ['get', 'kubeconfig', '--name', name], { env })).stdout);
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig);
    expect(kc.getCurrentContext()).toBe(`kind-${name}`);
    const nodes = await kc.makeApiClient(CoreV1Api).listNode();
    expect(nodes.items.map((node) => node.metadata?.name)).toEqual([`${name}-control-plane`]);
    expect(nodes.items[0]!.metadata?.labels?.['topology.kubernetes.io/zone']).toBe('zone-a');

    const again = await execa('kind', ['create', 'cluster', '--name', name], { env, reject: false });
    expect(again.exitCode).not.toBe(0);
    expect(again.stderr).toContain('already exist');
  });

  it('docker answers info like a running engine, or like a stopped one when told', async () => {
    const info = JSON.parse((await execa('docker', ['info', '--format', '{{json .}}'], { env })).stdout) as {
      MemTotal: number;
      NCPU: number;
    };
    expect(info.NCPU).toBeGreaterThan(0);
    expect(info.MemTotal).toBeGreaterThan(1e9);
    const down = await execa('docker', ['info'], { env: { ...env, LOGCLAW_FAKE_DOCKER_DOWN: '1' }, reject: false });
    expect(down.exitCode).not.toBe(0);
    expect(down.stderr).toContain('Cannot connect to the Docker daemon');
  });
});
