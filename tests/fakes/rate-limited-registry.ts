// FAKE registry (tests only) for what the real CNCF distribution registry of the test env cannot
// answer: a Bearer-token realm (Docker Hub's auth.docker.io flow) and pull quotas (429 with
// Retry-After and Docker Hub's ratelimit headers). Everything else (found, not found, htpasswd
// credentials) is tested against the real registry.
//
// It answers as the documents describe, and records every request that breaks them in `violations`
// (tests assert there are none):
// - OCI Distribution Spec, "Pulling manifests": `HEAD /v2/<name>/manifests/<reference>` → 200 with
//   Docker-Content-Digest, or 404; the client sends Accept with the manifest types it takes. A GET
//   of a manifest is a violation here: Docker Hub counts it as a pull ("Pull usage and limits").
// - Docker's Token Authentication Specification (distribution docs/content/spec/auth/token.md): a
//   401 carries `WWW-Authenticate: Bearer realm=…,service=…,scope="repository:<name>:pull"`; the client
//   GETs the realm with that service and scope (and Basic credentials, if any); the realm answers
//   `{"token": …, "access_token": …, "expires_in": …}`, or 401 for credentials it refuses; the client
//   repeats the request with `Authorization: Bearer <token>`. Like Docker Hub, an anonymous token for a
//   private (or missing) repository grants nothing, so the manifest request is refused again (401).
// - Docker Hub's quota: `ratelimit-limit: 100;w=21600`, `ratelimit-remaining: N;w=21600` on manifest
//   answers, 429 Too Many Requests past it, here with Retry-After in seconds.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export const ACCEPTED_MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
];

export interface FakeRegistryOptions {
  /** Repository → tag → manifest digest. */
  images: Record<string, Record<string, string>>;
  /** Repositories an anonymous token may pull (the rest need `users`). */
  publicRepositories: string[];
  /** Credentials the realm accepts (user → password): their tokens pull any repository. */
  users?: Record<string, string>;
  /** Repositories whose quota is used up: 429 with this Retry-After (seconds). */
  exhausted?: Record<string, { retryAfterSeconds: number }>;
  /** Docker Hub's quota numbers for the headers. */
  quota?: { limit: number; remaining: number; windowSeconds: number };
  /** Answer every manifest request with a 307 to this host (`127.0.0.1:<port>`), as registry.k8s.io sends pulls to its backends. */
  redirectTo?: string;
}

export interface FakeRegistry {
  /** `127.0.0.1:<port>`: how image references name it. */
  host: string;
  /** The `service` its challenges name. */
  service: string;
  /** Requests, as `METHOD path` (token requests with their query, and whether they carried credentials). */
  requests: string[];
  violations: string[];
  close(): Promise<void>;
}

interface Grant {
  repository: string;
  user: string | null;
}

export async function startRateLimitedRegistry(options: FakeRegistryOptions): Promise<FakeRegistry> {
  const service = 'fake-registry.test';
  const requests: string[] = [];
  const violations: string[] = [];
  const tokens = new Map<string, Grant>();
  const quota = options.quota ?? { limit: 100, remaining: 76, windowSeconds: 21_600 };
  let host = '';

  const challenge = (repository: string) =>
    `Bearer realm="http://${host}/token",service="${service}",scope="repository:${repository}:pull"`;

  const token = (req: IncomingMessage, url: URL, res: ServerResponse) => {
    const scope = url.searchParams.get('scope') ?? '';
    if (url.searchParams.get('service') !== service) violations.push(`token request for service ${url.searchParams.get('service')}`);
    const scoped = /^repository:([a-z0-9._/-]+):pull$/.exec(scope);
    if (!scoped) violations.push(`token request with scope "${scope}" (expected repository:<name>:pull)`);
    let user: string | null = null;
    const authorization = req.headers.authorization;
    if (authorization) {
      const basic = /^Basic ([A-Za-z0-9+/=]+)$/.exec(authorization);
      const [name, password] = basic ? Buffer.from(basic[1]!, 'base64').toString('utf8').split(/:(.*)/s) : [];
      if (!basic) violations.push(`token request with Authorization "${authorization.split(' ')[0]}" (expected Basic)`);
      if (!name || options.users?.[name] !== password) {
        res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ details: 'incorrect username or password' }));
        return;
      }
      user = name;
    }
    const issued = `fake-${tokens.size + 1}-${Math.random().toString(36).slice(2)}`;
    tokens.set(issued, { repository: scoped?.[1] ?? '', user });
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ token: issued, access_token: issued, expires_in: 300, issued_at: new Date().toISOString() }));
  };

  const manifest = (req: IncomingMessage, repository: string, reference: string, res: ServerResponse) => {
    if (req.method !== 'HEAD') violations.push(`${req.method} of a manifest (a pull on Docker Hub): the check only HEADs`);
    const accept = (req.headers.accept ?? '').split(',').map((type) => type.trim());
    const missing = ACCEPTED_MANIFEST_TYPES.filter((type) => !accept.includes(type));
    if (missing.length) violations.push(`manifest request without Accept ${missing.join(', ')}`);
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const grant = bearer ? tokens.get(bearer) : undefined;
    if (bearer && !grant) violations.push('a Bearer token the realm never issued');
    const allowed = grant && grant.repository === repository && (grant.user !== null || options.publicRepositories.includes(repository));
    if (!allowed) {
      res
        .writeHead(401, { 'www-authenticate': challenge(repository), 'content-type': 'application/json' })
        .end(
          req.method === 'HEAD' ? undefined : JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }),
        );
      return;
    }
    const window = `;w=${quota.windowSeconds}`;
    const exhausted = options.exhausted?.[repository];
    if (exhausted) {
      res
        .writeHead(429, {
          'retry-after': String(exhausted.retryAfterSeconds),
          'ratelimit-limit': `${quota.limit}${window}`,
          'ratelimit-remaining': `0${window}`,
          'docker-ratelimit-source': '127.0.0.1',
        })
        .end();
      return;
    }
    const known = options.images[repository] ?? {};
    const digest = known[reference] ?? (Object.values(known).includes(reference) ? reference : undefined);
    const headers = { 'ratelimit-limit': `${quota.limit}${window}`, 'ratelimit-remaining': `${quota.remaining}${window}` };
    if (!digest) {
      res.writeHead(404, { ...headers, 'content-type': 'application/json' }).end();
      return;
    }
    res
      .writeHead(200, {
        ...headers,
        'content-type': 'application/vnd.oci.image.index.v1+json',
        'docker-content-digest': digest,
        'content-length': '0',
      })
      .end();
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${host}`);
    const credentials = req.headers.authorization?.startsWith('Basic ') ? ' with Basic credentials' : '';
    requests.push(url.pathname === '/token' ? `${req.method} ${url.pathname}${url.search}${credentials}` : `${req.method} ${url.pathname}`);
    if (url.pathname === '/token' && req.method === 'GET') return token(req, url, res);
    const match = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(url.pathname);
    if (match && options.redirectTo) {
      res.writeHead(307, { location: `http://${options.redirectTo}${url.pathname}` }).end();
      return;
    }
    if (match) return manifest(req, match[1]!, decodeURIComponent(match[2]!), res);
    violations.push(`unexpected ${req.method} ${url.pathname}`);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    host,
    service,
    requests,
    violations,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
