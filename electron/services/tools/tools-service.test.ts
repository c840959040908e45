import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ToolCommand, shellLine } from '#contract/command.js';
import { type Settings, Settings as SettingsSchema } from '#contract/index.js';
import { useTestEnv } from '../../../tests/support/test-env.js';
import { useTempDir } from '../../../tests/support/temp.js';
import { platformKey, sourceRoot } from '../paths.js';
import { compareVersions, parseVersion, readToolsLock } from './lock.js';
import { runBinary } from './run-tool.js';
import { ToolsService } from './tools-service.js';

const tempDir = useTempDir('logclaw-tools-');
const lock = readToolsLock(join(sourceRoot(), 'resources', 'tools.lock.json'));

/** A tiny stand-in executable that prints a fixed version (to test lookup order, not the tools). */
function script(dir: string, name: string, body: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

function service(settings: Partial<Settings>, env: NodeJS.ProcessEnv, resourcesDir: string): ToolsService {
  const parsed = SettingsSchema.parse(settings);
  return new ToolsService({ settings: () => parsed, lock, resourcesDir, env });
}

describe('versions', () => {
  it('parses the version line of each tool', () => {
    expect(parseVersion('kind v0.27.0 go1.23.4 linux/amd64')).toBe('0.27.0');
    expect(parseVersion('v3.17.2')).toBe('3.17.2');
    expect(parseVersion('Docker version 28.2.2, build e6534b4')).toBe('28.2.2');
    expect(parseVersion('no digits')).toBeNull();
    expect(compareVersions('1.32.2', '1.30.0')).toBe(1);
    expect(compareVersions('0.26.9', '0.27.0')).toBe(-1);
    expect(compareVersions('3.17.2', '3.17.2')).toBe(0);
  });

  it('pins a sha256 per platform in the lock file', () => {
    expect(lock.tools.kind?.platforms['linux-x64']?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(lock.tools.helm?.platforms['linux-x64']).toMatchObject({ archive: 'tar.gz', member: 'linux-amd64/helm' });
  });
});

describe('resolution order: settings → PATH → bundled', () => {
  it('prefers a path from settings, then PATH, then resources/bin', async () => {
    const root = tempDir();
    const resources = join(root, 'resources');
    const bundled = script(join(resources, 'bin', platformKey()), 'kind', 'echo "kind v0.27.0 go1.23 linux/amd64"');
    const onPath = script(join(root, 'path'), 'kind', 'echo "kind v0.27.1 go1.23 linux/amd64"');
    const configured = script(join(root, 'custom'), 'kind', 'echo "kind v0.28.0 go1.23 linux/amd64"');
    const env = { PATH: join(root, 'path') };

    expect(await service({}, { PATH: '' }, resources).resolve('kind')).toEqual({ path: bundled, source: 'bundled' });
    expect(await service({}, env, resources).resolve('kind')).toEqual({ path: onPath, source: 'path' });
    expect(await service({ toolPaths: { kind: configured } }, env, resources).resolve('kind')).toEqual({
      path: configured,
      source: 'settings',
    });
    const [report] = await service({ toolPaths: { kind: configured } }, env, resources).detect(['kind']);
    expect(report).toMatchObject({ name: 'kind', found: true, version: '0.28.0', required: '>=0.27.0', ok: true, source: 'settings' });
  });

  it('does not fall back when the configured path is broken, and says why', async () => {
    const root = tempDir();
    script(join(root, 'path'), 'helm', 'echo v3.17.2');
    const [report] = await service(
      { toolPaths: { helm: join(root, 'missing', 'helm') } },
      { PATH: join(root, 'path') },
      join(root, 'r'),
    ).detect(['helm']);
    expect(report).toMatchObject({ found: false, ok: false });
    expect(report!.hint).toContain('Settings');
  });

  it('skips non-executable files on PATH', async () => {
    const root = tempDir();
    const first = join(root, 'a');
    mkdirSync(first);
    writeFileSync(join(first, 'helm'), 'not executable');
    const second = script(join(root, 'b'), 'helm', 'echo v3.17.2');
    expect(await service({}, { PATH: [first, join(root, 'b')].join(delimiter) }, join(root, 'r')).resolve('helm')).toEqual({
      path: second,
      source: 'path',
    });
  });

  it('flags a version below the minimum with an upgrade hint', async () => {
    const root = tempDir();
    script(join(root, 'p'), 'kubectl', `echo '{"clientVersion":{"gitVersion":"v1.27.3"}}'`);
    const [report] = await service({}, { PATH: join(root, 'p') }, join(root, 'r')).detect(['kubectl']);
    expect(report).toMatchObject({ found: true, version: '1.27.3', ok: false });
    expect(report!.hint).toMatch(/older than 1\.30\.0/);
  });

  it('reports a container runtime whose daemon is down as not ok, with the daemon message', async () => {
    const root = tempDir();
    script(
      join(root, 'p'),
      'docker',
      `case "$1" in
  --version) echo "Docker version 28.2.2, build e6534b4";;
  info) echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2; exit 1;;
esac`,
    );
    const [report] = await service({}, { PATH: join(root, 'p') }, join(root, 'r')).detect(['docker']);
    expect(report).toMatchObject({ found: true, version: '28.2.2', ok: false, daemon: { reachable: false } });
    expect(report!.daemon!.message).toContain('Cannot connect to the Docker daemon');
    expect(report!.hint).toContain('systemctl start docker');
  });
});

describe('with the real helm and kubectl', () => {
  let tools: { helm: string; kubectl: string };
  beforeAll(async () => {
    ({ tools } = await useTestEnv('tools'));
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('detects helm 3.17 and kubectl 1.32 and reports them ok', async () => {
    const root = tempDir();
    const reports = await service({ toolPaths: { helm: tools.helm, kubectl: tools.kubectl } }, { PATH: '' }, join(root, 'r')).detect([
      'helm',
      'kubectl',
    ]);
    expect(reports[0]).toMatchObject({ name: 'helm', ok: true, source: 'settings' });
    expect(reports[0]!.version).toMatch(/^3\.17\./);
    expect(reports[1]).toMatchObject({ name: 'kubectl', ok: true });
    expect(reports[1]!.version).toMatch(/^1\.32\./);
  });

  it('runTool streams lines and passes KUBECONFIG explicitly, over the ambient one', async () => {
    const root = tempDir();
    const kubeconfig = join(root, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      'apiVersion: v1\nkind: Config\ncurrent-context: proof-ctx\ncontexts:\n- name: proof-ctx\n  context: {cluster: c, user: u}\nclusters:\n- name: c\n  cluster: {server: "https://127.0.0.1:1"}\nusers:\n- name: u\n  user: {}\n',
    );
    vi.stubEnv('KUBECONFIG', join(root, 'ambient-that-does-not-exist'));
    const runner = service({ toolPaths: { kubectl: tools.kubectl } }, { PATH: '' }, join(root, 'r'));
    const lines: string[] = [];
    const env = { KUBECONFIG: kubeconfig };
    const result = await runner.runCommand(
      { tool: 'kubectl', args: ['config', 'current-context'], env },
      { onLine: (line, stream) => lines.push(`${stream}:${line}`) },
    );
    expect(result).toMatchObject({ stdout: 'proof-ctx', exitCode: 0 });
    expect(lines).toEqual(['stdout:proof-ctx']);
    const error = await runner.runCommand({ tool: 'kubectl', args: ['config', 'use-context', 'missing-ctx'], env }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'TOOL_FAILED', tool: 'kubectl', exitCode: 1, args: ['config', 'use-context', 'missing-ctx'] });
    expect((error as { stderrTail: string[] }).stderrTail.join('\n')).toContain('missing-ctx');
  });

  it('shows every run to its observer as the command handed to the operating system', async () => {
    const root = tempDir();
    const seen: ToolCommand[] = [];
    const runner = new ToolsService({
      settings: () => SettingsSchema.parse({ toolPaths: { kubectl: tools.kubectl } }),
      lock,
      resourcesDir: join(root, 'r'),
      env: { PATH: '' },
      onExec: ({ binary: _binary, ...command }) => seen.push(command),
    });
    const command = {
      tool: 'kubectl' as const,
      args: ['create', 'secret', 'generic', 's', '--from-literal=password=hunter22', '--dry-run=client', '-o', 'name'],
      env: { KUBECONFIG: join(root, 'none') },
      redact: ['hunter22'],
    };
    await runner.runCommand(command);
    expect(seen).toEqual([command]);
    expect(shellLine(seen[0]!)).toBe(
      `KUBECONFIG=${join(root, 'none')} kubectl create secret generic s --from-literal=password=•••• --dry-run=client -o name`,
    );
  });

  it('helm failures carry HELM_FAILED, args and the stderr tail, with secrets masked', async () => {
    const error = await runBinary('helm', tools.helm, ['template', '/no/such/chart', '--set', 'password=hunter22'], {
      redact: ['hunter22'],
    }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'HELM_FAILED', tool: 'helm', args: ['template', '/no/such/chart', '--set', 'password=••••'] });
    expect(JSON.stringify(error)).not.toContain('hunter22');
  });

  it('cancels a running tool through its AbortSignal', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const run = runBinary('sleep', '/bin/sleep', ['30'], { signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('reports a binary that cannot be started as TOOL_NOT_FOUND', async () => {
    await expect(runBinary('kind', '/nonexistent/kind', ['version'])).rejects.toMatchObject({ code: 'TOOL_NOT_FOUND' });
  });
});
