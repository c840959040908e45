import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configKeyDomain, dockerCredentials } from './docker-config.js';

describe('credentials from the Docker config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'logclaw-docker-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the auths `docker login` writes, by registry domain', () => {
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({
        auths: {
          'https://index.docker.io/v1/': { auth: Buffer.from('hubuser:hub:pass').toString('base64') },
          'ghcr.io': { username: 'octo', password: 'ghp_x' },
          'http://127.0.0.1:5000': { auth: Buffer.from('local:pw').toString('base64') },
          'quay.io': {},
        },
        credsStore: 'desktop',
        credHelpers: { 'registry.k8s.io': 'gcloud' },
      }),
    );
    const credentials = dockerCredentials({ DOCKER_CONFIG: dir });
    expect(credentials.get('docker.io')).toEqual({ username: 'hubuser', password: 'hub:pass' });
    expect(credentials.get('ghcr.io')).toEqual({ username: 'octo', password: 'ghp_x' });
    expect(credentials.get('127.0.0.1:5000')).toEqual({ username: 'local', password: 'pw' });
    // An entry without a secret (the helper holds it): anonymous, and the helper is named.
    expect(credentials.get('quay.io')).toBeNull();
    expect(credentials.helper('quay.io')).toBe('desktop');
    expect(credentials.helper('registry.k8s.io')).toBe('gcloud');
    expect(credentials.helper('docker.io')).toBeNull();
  });

  it('is anonymous without a config file, under HOME/.docker by default', () => {
    const credentials = dockerCredentials({ HOME: join(dir, 'nobody') });
    expect(credentials.get('docker.io')).toBeNull();
    expect(credentials.helper('docker.io')).toBeNull();
  });

  it('maps every spelling of Docker Hub to docker.io', () => {
    expect(['https://index.docker.io/v1/', 'index.docker.io', 'registry-1.docker.io', 'docker.io'].map(configKeyDomain)).toEqual(
      Array(4).fill('docker.io'),
    );
  });
});
