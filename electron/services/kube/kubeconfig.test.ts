import { writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../../tests/support/temp.js';
import { kubeconfigFiles, listContexts, loadKubeConfig } from './kubeconfig.js';

const tempDir = useTempDir('logclaw-kubeconfig-');

function kubeconfig(
  dir: string,
  file: string,
  current: string | null,
  entries: Array<{ name: string; server: string; namespace?: string }>,
): string {
  const path = join(dir, file);
  const lines = ['apiVersion: v1', 'kind: Config', ...(current ? [`current-context: ${current}`] : []), 'clusters:'];
  for (const e of entries) lines.push(`- name: ${e.name}`, `  cluster: {server: "${e.server}"}`);
  lines.push('users:');
  for (const e of entries) lines.push(`- name: ${e.name}`, '  user: {token: t}');
  lines.push('contexts:');
  for (const e of entries)
    lines.push(`- name: ${e.name}`, `  context: {cluster: ${e.name}, user: ${e.name}${e.namespace ? `, namespace: ${e.namespace}` : ''}}`);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

describe('kubeconfig with kubectl rules', () => {
  it('merges $KUBECONFIG files first-wins, takes current-context from the first file that sets it', () => {
    const dir = tempDir();
    const a = kubeconfig(dir, 'a', null, [{ name: 'kind-logclaw-dev', server: 'https://127.0.0.1:1111' }]);
    const b = kubeconfig(dir, 'b', 'prod', [
      { name: 'kind-logclaw-dev', server: 'https://shadowed:2222' },
      { name: 'prod', server: 'https://prod:443', namespace: 'logclaw-acme' },
    ]);
    const env = { KUBECONFIG: [a, join(dir, 'missing'), b].join(delimiter), HOME: dir };
    expect(kubeconfigFiles({}, env)).toEqual([a, b]);
    const kc = loadKubeConfig({}, env);
    expect(kc.getCurrentContext()).toBe('prod');
    expect(kc.getCluster('kind-logclaw-dev')?.server).toBe('https://127.0.0.1:1111');
    expect(listContexts({}, env).contexts.map((c) => [c.name, c.namespace, c.server])).toEqual([
      ['kind-logclaw-dev', undefined, 'https://127.0.0.1:1111'],
      ['prod', 'logclaw-acme', 'https://prod:443'],
    ]);
  });

  it('--kubeconfig replaces $KUBECONFIG, --context replaces current-context', () => {
    const dir = tempDir();
    const a = kubeconfig(dir, 'a', 'one', [
      { name: 'one', server: 'https://one' },
      { name: 'two', server: 'https://two' },
    ]);
    const b = kubeconfig(dir, 'b', 'other', [{ name: 'other', server: 'https://other' }]);
    const env = { KUBECONFIG: b, HOME: dir };
    expect(loadKubeConfig({ kubeconfig: a }, env).getCurrentContext()).toBe('one');
    expect(loadKubeConfig({ kubeconfig: a, context: 'two' }, env).getCurrentCluster()?.server).toBe('https://two');
    expect(loadKubeConfig({}, { HOME: dir, KUBECONFIG: b }).getCurrentContext()).toBe('other');
  });

  it('falls back to ~/.kube/config and explains problems with coded errors', () => {
    const dir = tempDir();
    expect(kubeconfigFiles({}, { HOME: dir })).toEqual([join(dir, '.kube', 'config')]);
    expect(() => loadKubeConfig({}, { HOME: dir })).toThrowError(
      expect.objectContaining({ code: 'KUBE_CONFIG_INVALID', message: expect.stringContaining('does not exist') }),
    );
    const a = kubeconfig(dir, 'a', 'one', [{ name: 'one', server: 'https://one' }]);
    expect(() => loadKubeConfig({ kubeconfig: a, context: 'nope' })).toThrowError(
      expect.objectContaining({ code: 'KUBE_CONFIG_INVALID', hint: 'Known contexts: one' }),
    );
    expect(listContexts({ kubeconfig: a, context: 'nope' })).toMatchObject({ current: 'nope', contexts: [{ name: 'one' }] });
    writeFileSync(join(dir, 'broken'), 'clusters: [unclosed');
    expect(() => loadKubeConfig({ kubeconfig: join(dir, 'broken') })).toThrowError(
      expect.objectContaining({ code: 'KUBE_CONFIG_INVALID' }),
    );
  });
});
