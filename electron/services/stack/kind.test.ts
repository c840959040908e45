import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { nodesFromKindConfig } from '../../../tests/fakes/kind-impl.js';
import { useTempDir } from '../../../tests/support/temp.js';
import { forgetCluster, hasContext, mergeKubeconfig, renderKindConfig } from './kind.js';

const tempDir = useTempDir('logclaw-kind-');

const fragment = (name: string, server: string) =>
  YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': `kind-${name}`,
    clusters: [{ name: `kind-${name}`, cluster: { server } }],
    users: [{ name: `kind-${name}`, user: { token: 'x' } }],
    contexts: [{ name: `kind-${name}`, context: { cluster: `kind-${name}`, user: `kind-${name}` } }],
  });

describe('kind cluster config and kubeconfig', () => {
  it('labels the control-plane node with the topology zone (as kind reads the config)', () => {
    const nodes = nodesFromKindConfig('logclaw-dev', renderKindConfig('logclaw-dev'));
    expect(nodes).toHaveLength(1);
    expect(nodes[0]).toMatchObject({
      name: 'logclaw-dev-control-plane',
      labels: { 'topology.kubernetes.io/zone': 'zone-a', 'node-role.kubernetes.io/control-plane': '' },
    });
  });

  it("keeps the app's clusters in its own kubeconfig (0600), replacing and forgetting entries by name", async () => {
    const path = join(tempDir(), 'stack', 'kubeconfig');
    await mergeKubeconfig(path, fragment('a', 'https://127.0.0.1:1'));
    await mergeKubeconfig(path, fragment('b', 'https://127.0.0.1:2'));
    await mergeKubeconfig(path, fragment('a', 'https://127.0.0.1:3'));
    const doc = YAML.parse(readFileSync(path, 'utf8')) as {
      clusters: Array<{ name: string; cluster: { server: string } }>;
      'current-context': string;
    };
    expect(doc.clusters.map((c) => [c.name, c.cluster.server])).toEqual([
      ['kind-b', 'https://127.0.0.1:2'],
      ['kind-a', 'https://127.0.0.1:3'],
    ]);
    expect(doc['current-context']).toBe('kind-a');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    await forgetCluster(path, 'a');
    expect(hasContext(path, 'kind-a')).toBe(false);
    expect(hasContext(path, 'kind-b')).toBe(true);
  });
});
