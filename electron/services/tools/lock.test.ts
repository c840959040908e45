import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { useTempDir } from '../../../tests/support/temp.js';
import { platformKey, sourceRoot } from '../paths.js';
import { type PlatformArtifact, readToolsLock } from './lock.js';

const tempDir = useTempDir('logclaw-lock-');
const lock = readToolsLock(join(sourceRoot(), 'resources', 'tools.lock.json'));

// The desktop targets: what electron-builder.yml packages and platformKey() answers on them.
const TARGETS = [
  { key: platformKey('linux', 'x64'), builder: 'linux', os: 'linux', arch: 'amd64' },
  { key: platformKey('linux', 'arm64'), builder: 'linux', os: 'linux', arch: 'arm64' },
  { key: platformKey('darwin', 'x64'), builder: 'mac', os: 'darwin', arch: 'amd64' },
  { key: platformKey('darwin', 'arm64'), builder: 'mac', os: 'darwin', arch: 'arm64' },
  { key: platformKey('win32', 'x64'), builder: 'win', os: 'windows', arch: 'amd64' },
] as const;
type Target = (typeof TARGETS)[number];

/** Each upstream's own download name for a target: a pinned URL must be exactly this. */
function upstreamUrl(tool: string, version: string, target: Target): { url: string; member?: string } {
  const exe = target.os === 'windows' ? '.exe' : '';
  switch (tool) {
    case 'kind':
      return { url: `https://github.com/kubernetes-sigs/kind/releases/download/v${version}/kind-${target.os}-${target.arch}` };
    case 'helm': {
      const archive = target.os === 'windows' ? 'zip' : 'tar.gz';
      return {
        url: `https://get.helm.sh/helm-v${version}-${target.os}-${target.arch}.${archive}`,
        member: `${target.os}-${target.arch}/helm${exe}`,
      };
    }
    case 'kubectl':
      return { url: `https://dl.k8s.io/release/v${version}/bin/${target.os}/${target.arch}/kubectl${exe}` };
    default:
      throw new Error(`no upstream naming for ${tool}`);
  }
}

const pinnedEntries = Object.entries(lock.tools).flatMap(([tool, pin]) =>
  Object.entries(pin.platforms).map(([key, artifact]) => ({ tool, version: pin.version, key, artifact })),
);

describe('resources/tools.lock.json', () => {
  it('pins helm and kubectl for every desktop target, kind for all but Windows', () => {
    const pinnedFor = (tool: keyof typeof lock.tools) => Object.keys(lock.tools[tool]?.platforms ?? {}).sort();
    const every = TARGETS.map((target) => target.key).sort();
    expect(pinnedFor('helm')).toEqual(every);
    expect(pinnedFor('kubectl')).toEqual(every);
    // No published checksum of kind-windows-amd64 v0.27.0 was found; unpinned means not bundled.
    expect(pinnedFor('kind')).toEqual(every.filter((key) => key !== 'win32-x64'));
  });

  it.each(pinnedEntries)('$tool $key: the upstream https URL for its platform, a checksum and where it came from', (entry) => {
    const target = TARGETS.find((candidate) => candidate.key === entry.key);
    expect(target, `${entry.key} is not a platformKey() of a desktop target`).toBeDefined();
    const expected = upstreamUrl(entry.tool, entry.version, target!);
    const artifact: PlatformArtifact = entry.artifact;
    expect(new URL(artifact.url).protocol).toBe('https:');
    expect(artifact.url).toBe(expected.url);
    expect(artifact.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(artifact.source.trim()).not.toBe('');
    if (expected.member) {
      expect(artifact.archive).toBe(basename(expected.url).endsWith('.zip') ? 'zip' : 'tar.gz');
      expect(artifact.member).toBe(expected.member);
    } else {
      expect(artifact.archive).toBeUndefined();
      expect(artifact.member).toBeUndefined();
    }
  });

  it('has one checksum per file: no value copied onto a second platform', () => {
    const hashes = pinnedEntries.map((entry) => entry.artifact.sha256);
    expect(new Set(hashes).size).toBe(hashes.length);
  });

  it('is refused without a source for a pin', () => {
    const path = join(tempDir(), 'tools.lock.json');
    const { source: _source, ...unsourced } = lock.tools.kubectl!.platforms['linux-x64']!;
    writeFileSync(path, JSON.stringify({ tools: { kubectl: { ...lock.tools.kubectl, platforms: { 'linux-x64': unsourced } } } }));
    expect(() => readToolsLock(path)).toThrow(/tools\.kubectl\.platforms\.linux-x64\.source/);
  });
});

describe('electron-builder.yml', () => {
  interface Resource {
    from: string;
    to: string;
    filter?: string[];
  }
  const config = parse(readFileSync(join(sourceRoot(), 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;
  const resources = (section: unknown): Resource[] => (section as { extraResources?: Resource[] } | undefined)?.extraResources ?? [];

  it.each(TARGETS)('packs resources/bin/$key into the $builder package, where the tools service looks', (target) => {
    // electron-builder expands ${arch} to the target's arch (x64, arm64) but ${platform} to the build host's platform.
    const arch = target.key.split('-')[1]!;
    const packed = [...resources(config), ...resources(config[target.builder])].map(({ from, to }) => ({
      from: from.replaceAll('${arch}', arch),
      to: to.replaceAll('${arch}', arch),
    }));
    expect(packed.filter((entry) => `${entry.from} ${entry.to}`.includes('${platform}'))).toEqual([]);
    expect(packed).toContainEqual({ from: `resources/bin/${target.key}`, to: `resources/bin/${target.key}` });
  });

  it('ships what the backend reads from the app root (the install plan, the image inventory, the tools lock) and the charts without the FAKE stand-ins', () => {
    const packed = resources(config);
    for (const file of ['resources/stack.yaml', 'resources/images.yaml', 'resources/tools.lock.json'])
      expect(packed, file).toContainEqual({ from: file, to: file });
    expect(packed.find((entry) => entry.from === 'charts')).toEqual({ from: 'charts', to: 'charts', filter: ['**/*', '!.stand-ins/**'] });
  });
});
