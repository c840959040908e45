// The registry client against registries that answer for real: the CNCF distribution registry of the
// test env (found, not found; a second one behind htpasswd for Basic credentials), the FAKE
// Docker-Hub-like registry for what distribution cannot do (a Bearer-token realm, 429 with
// Retry-After), and addresses that do not answer at all.
import { mkdtempSync, rmSync } from 'node:fs';
import { type Server, type Socket, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TENANT_MIRROR } from '../../electron/services/images/advice.js';
import { ChartRepoClient } from '../../electron/services/images/chart-repo.js';
import { dockerCredentials } from '../../electron/services/images/docker-config.js';
import { runRealityCheck } from '../../electron/services/images/reality.js';
import { parseImageRef } from '../../electron/services/images/reference.js';
import { RegistryClient } from '../../electron/services/images/registry-client.js';
import { cacheRoot, freePort } from '../../scripts/test-env/env.js';
import { type RegistryProcess, ensureRegistryBinaries, launchRegistry, stopRegistry } from '../../scripts/test-env/registry/component.js';
import { type FakeRegistry, startRateLimitedRegistry } from '../fakes/rate-limited-registry.js';
import { type EndpointTypes, useTestEnv } from '../support/test-env.js';
import { dockerConfig, pushImage } from './support.js';

const USER = { username: 'logclaw-ci', password: 'pull-only-7c1e' };

describe('registry client', () => {
  let env: Pick<EndpointTypes, 'registry'>;
  let secured: RegistryProcess;
  let fake: FakeRegistry;
  let home: string;
  let agentDigest: string;
  let securedDigest: string;
  const anonymous = () => new RegistryClient({ credentials: dockerCredentials({ DOCKER_CONFIG: join(home, 'none') }) });
  const withLogins = (logins: Parameters<typeof dockerConfig>[1], name: string) =>
    new RegistryClient({ credentials: dockerCredentials({ DOCKER_CONFIG: dockerConfig(join(home, name), logins) }) });

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'logclaw-registry-client-'));
    env = await useTestEnv('registry');
    const bins = await ensureRegistryBinaries(cacheRoot(), (line) => process.stderr.write(`[registry] ${line}\n`));
    secured = await launchRegistry({ bins, dir: join(home, 'secured'), port: await freePort(), auth: USER });
    [agentDigest, securedDigest] = await Promise.all([
      pushImage(env.registry, 'logclaw/agent', '1.0'),
      pushImage(secured.endpoint, 'acme/private', '2.0'),
    ]);
    fake = await startRateLimitedRegistry({
      images: { 'library/busybox': { '1.36': `sha256:${'b'.repeat(64)}` }, 'acme/app': { '3': `sha256:${'c'.repeat(64)}` } },
      publicRepositories: ['library/busybox', 'library/python'],
      users: { [USER.username]: USER.password },
      exhausted: { 'library/python': { retryAfterSeconds: 1800 } },
    });
  }, 600_000);

  afterAll(async () => {
    await fake?.close();
    if (secured) await stopRegistry(secured.pid);
    if (home) rmSync(home, { recursive: true, force: true });
  });

  describe('the real distribution registry', () => {
    it('found: the digest of the manifest it stores', async () => {
      const probe = await anonymous().probe(parseImageRef(`${env.registry.host}/logclaw/agent:1.0`));
      expect(probe).toMatchObject({ result: 'found', status: 200, digest: agentDigest, authenticated: false });
      expect(probe.reason).toBe(`${env.registry.host} has logclaw/agent:1.0 (application/vnd.oci.image.manifest.v1+json)`);
      // By digest, as a pinned reference asks.
      expect(await anonymous().probe(parseImageRef(`${env.registry.host}/logclaw/agent@${agentDigest}`))).toMatchObject({
        result: 'found',
        digest: agentDigest,
      });
    });

    it('not found: a tag it does not have, and a repository it does not have', async () => {
      for (const ref of [`${env.registry.host}/logclaw/agent:9.9`, `${env.registry.host}/logclaw/nothing:1`])
        expect(await anonymous().probe(parseImageRef(ref))).toMatchObject({
          result: 'not-found',
          status: 404,
          reason: expect.stringContaining('(404)'),
        });
    });

    it('htpasswd: anonymous is refused, the Docker config login pulls, a wrong password is refused', async () => {
      const ref = parseImageRef(`${secured.endpoint.host}/acme/private:2.0`);
      const refused = await anonymous().probe(ref);
      expect(refused).toMatchObject({ result: 'unauthorized', status: 401, authenticated: false });
      expect(refused.reason).toContain('refused anonymous access to acme/private');

      const loggedIn = withLogins({ [`http://${secured.endpoint.host}`]: USER }, 'good');
      expect(await loggedIn.probe(ref)).toMatchObject({ result: 'found', digest: securedDigest, authenticated: true });

      const wrong = await withLogins({ [secured.endpoint.host]: { ...USER, password: 'nope' } }, 'bad').probe(ref);
      expect(wrong).toMatchObject({ result: 'unauthorized', status: 401, authenticated: true });
      expect(wrong.reason).toContain('refused the credentials in the Docker config');
      expect(JSON.stringify(wrong)).not.toContain('nope');
    });
  });

  describe('the FAKE Docker-Hub-like registry (token realm, quota)', () => {
    it('found through an anonymous token, with the quota it reports', async () => {
      const probe = await anonymous().probe(parseImageRef(`${fake.host}/library/busybox:1.36`));
      expect(probe).toMatchObject({
        result: 'found',
        digest: `sha256:${'b'.repeat(64)}`,
        rateLimit: { limit: 100, remaining: 76, windowSeconds: 21_600 },
      });
      // Challenge, token for exactly that scope and service, the HEAD again; never a GET of a manifest.
      expect(fake.requests.slice(-3)).toEqual([
        'HEAD /v2/library/busybox/manifests/1.36',
        `GET /token?service=${fake.service}&scope=repository%3Alibrary%2Fbusybox%3Apull`,
        'HEAD /v2/library/busybox/manifests/1.36',
      ]);
    });

    it('not found behind a token', async () => {
      expect(await anonymous().probe(parseImageRef(`${fake.host}/library/busybox:nope`))).toMatchObject({
        result: 'not-found',
        status: 404,
      });
    });

    it('unauthorized: a token that grants nothing (private or missing), and a realm refusing the credentials', async () => {
      const ref = parseImageRef(`${fake.host}/acme/app:3`);
      expect(await anonymous().probe(ref)).toMatchObject({
        result: 'unauthorized',
        status: 401,
        reason: expect.stringContaining('it is private, or it does not exist'),
      });
      const refused = await withLogins({ [fake.host]: { ...USER, password: 'wrong' } }, 'fake-bad').probe(ref);
      expect(refused).toMatchObject({ result: 'unauthorized', status: 401, authenticated: true });
      expect(refused.reason).toBe(
        `the token service ${fake.host} refused the credentials for ${fake.host} in the Docker config to acme/app (401)`,
      );
      expect(await withLogins({ [fake.host]: USER }, 'fake-good').probe(ref)).toMatchObject({ result: 'found', authenticated: true });
    });

    it('rate-limited: 429 with Retry-After, counted from the injected clock, and the quota', async () => {
      const now = Date.UTC(2026, 11, 1, 14, 0, 0);
      const client = new RegistryClient({ credentials: dockerCredentials({ DOCKER_CONFIG: join(home, 'none') }), now: () => now });
      const probe = await client.probe(parseImageRef(`${fake.host}/library/python:3.12-slim`));
      expect(probe).toMatchObject({
        result: 'rate-limited',
        status: 429,
        retryAt: now + 1_800_000,
        rateLimit: { limit: 100, remaining: 0, windowSeconds: 21_600 },
      });
      expect(probe.reason).toBe(
        `${fake.host} rate-limits anonymous pulls from this address: 0 of 100 pulls left in a 6 h window; try again after 2026-12-01T14:30:00.000Z`,
      );
    });

    it('a registry that redirects its manifests (as registry.k8s.io does): authenticated where it was sent, without its credentials', async () => {
      const front = await startRateLimitedRegistry({ images: {}, publicRepositories: [], redirectTo: fake.host });
      try {
        const client = withLogins({ [front.host]: USER }, 'front');
        expect(await client.probe(parseImageRef(`${front.host}/library/busybox:1.36`))).toMatchObject({
          result: 'found',
          digest: `sha256:${'b'.repeat(64)}`,
        });
        // The backend was asked anonymously: the front's login stays with the front.
        expect(fake.requests.filter((line) => line.startsWith('GET /token')).at(-1)).toBe(
          `GET /token?service=${fake.service}&scope=repository%3Alibrary%2Fbusybox%3Apull`,
        );
        expect(front.requests).toEqual(['HEAD /v2/library/busybox/manifests/1.36']);
        expect(front.violations).toEqual([]);
      } finally {
        await front.close();
      }
    });

    it('asked as the specifications say', () => {
      expect(fake.violations).toEqual([]);
    });
  });

  describe('registries that do not answer', () => {
    let silent: Server;
    const held: Socket[] = [];
    afterAll(() => {
      held.forEach((socket) => socket.destroy());
      return new Promise<void>((resolve) => (silent ? silent.close(() => resolve()) : resolve()));
    });

    it('unreachable: an unknown name, a closed port, a server that never answers', async () => {
      expect(await anonymous().probe(parseImageRef('registry.invalid/logclaw/agent:1'))).toMatchObject({
        result: 'unreachable',
        network: 'dns',
        reason: expect.stringMatching(/^cannot resolve registry\.invalid \((ENOTFOUND|EAI_AGAIN)\)$/),
      });
      const closed = await freePort();
      expect(await anonymous().probe(parseImageRef(`127.0.0.1:${closed}/a/b:1`))).toMatchObject({
        result: 'unreachable',
        network: 'refused',
        reason: `127.0.0.1:${closed} refused the connection`,
      });
      // Accepts connections and never answers: the per-request timeout ends the wait.
      silent = createServer((socket) => void held.push(socket));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const port = (silent.address() as { port: number }).port;
      const client = new RegistryClient({ credentials: dockerCredentials({ DOCKER_CONFIG: join(home, 'none') }), timeoutMs: 300 });
      expect(await client.probe(parseImageRef(`127.0.0.1:${port}/a/b:1`))).toMatchObject({
        result: 'unreachable',
        network: 'timeout',
        reason: `127.0.0.1:${port} did not answer within 300 ms`,
      });
    });
  });

  it('a reality check over all of them: each item with its registry, result, digest or reason, and fix', async () => {
    const now = Date.UTC(2026, 11, 1, 14, 0, 0);
    const image = (ref: string) => ({ ref, usedBy: ['ingestion'], mirror: TENANT_MIRROR });
    const report = await runRealityCheck(
      {
        images: [
          image(`${env.registry.host}/logclaw/agent:1.0`),
          image(`${env.registry.host}/logclaw/agent:9.9`),
          image(`${secured.endpoint.host}/acme/private:2.0`),
          image(`${fake.host}/library/python:3.12-slim`),
          image('registry.invalid/logclaw/agent:1'),
        ],
        charts: [],
      },
      {
        registry: new RegistryClient({ credentials: dockerCredentials({ DOCKER_CONFIG: join(home, 'none') }), now: () => now }),
        charts: new ChartRepoClient(),
      },
    );
    const [found, missing, denied, limited, offline] = report.items;
    expect(found).toMatchObject({
      kind: 'image',
      registry: env.registry.host,
      result: 'found',
      digest: agentDigest,
      usedBy: ['ingestion'],
    });
    expect(found!.fix).toBeUndefined();
    expect(missing).toMatchObject({ result: 'not-found', fix: expect.stringContaining('global.imageRegistry') });
    expect(denied).toMatchObject({ result: 'unauthorized', command: `docker login ${secured.endpoint.host}` });
    expect(denied!.fix).toContain('global.imagePullSecrets');
    expect(limited).toMatchObject({ result: 'rate-limited', retryAt: now + 1_800_000 });
    expect(limited!.fix).toContain('Wait until 2026-12-01T14:30:00.000Z');
    expect(offline).toMatchObject({ result: 'unreachable', fix: expect.stringContaining('network, DNS, firewall and proxy') });
  });
});
