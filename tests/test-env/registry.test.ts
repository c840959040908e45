// Proves the `registry` test-env component is the real distribution registry: the shared anonymous
// instance speaks the OCI distribution API, and launchRegistry starts another one behind htpasswd
// basic auth (what an image-registry probe needs) that stopRegistry ends.
import { describe, expect, it } from 'vitest';
import { cacheRoot, freePort } from '../../scripts/test-env/env.js';
import { isAlive } from '../../scripts/test-env/process.js';
import { REGISTRY_VERSION, ensureRegistryBinaries, launchRegistry, stopRegistry } from '../../scripts/test-env/registry/component.js';
import { useTempDir } from '../support/temp.js';
import { useTestEnv } from '../support/test-env.js';

const tempDir = useTempDir('logclaw-te-registry-');
const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

describe(`test-env registry (distribution v${REGISTRY_VERSION})`, () => {
  it('the shared instance answers the OCI distribution API anonymously on 127.0.0.1', async () => {
    const { registry } = await useTestEnv('registry');
    expect(registry.url).toBe(`http://${registry.host}`);
    expect(registry.host).toMatch(/^127\.0\.0\.1:\d+$/);
    const res = await fetch(`${registry.url}/v2/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
    expect(await (await fetch(`${registry.url}/v2/_catalog`)).json()).toHaveProperty('repositories');
  }, 60_000);

  it('launchRegistry with htpasswd auth: 401 without or with wrong credentials, 200 with the user; stopRegistry ends it', async () => {
    const bins = await ensureRegistryBinaries(cacheRoot(), () => undefined);
    const auth = { username: 'probe', password: 'not-a-secret' };
    const started = await launchRegistry({ bins, dir: tempDir(), port: await freePort(), auth });
    try {
      expect(started.endpoint.auth).toEqual(auth);
      const url = `${started.endpoint.url}/v2/`;
      const anonymous = await fetch(url);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toBe('Basic realm="logclaw-test-registry"');
      expect((await fetch(url, { headers: basic(auth.username, 'wrong') })).status).toBe(401);
      expect((await fetch(url, { headers: basic(auth.username, auth.password) })).status).toBe(200);
    } finally {
      await stopRegistry(started.pid);
    }
    expect(isAlive(started.pid)).toBe(false);
  }, 60_000);
});
