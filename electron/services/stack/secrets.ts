// Dev secrets per tenant: generated randomly on first install, kept in the data folder (0600, never
// logged) so a re-install reuses them, passed to the charts through a 0600 values file, and shown
// in the Stack pane with copy buttons.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { DevSecret } from '#contract/stack.js';
import { writeFileAtomic } from '../fs-atomic.js';

const Stored = z.object({
  opensearchAdminPassword: z.string(),
  airflowAdminPassword: z.string(),
  airflowDbPassword: z.string(),
  airflowFernetKey: z.string(),
  airflowWebserverSecretKey: z.string(),
  redisPassword: z.string(),
  kafkaPassword: z.string(),
  createdAt: z.number(),
});
export type TenantSecrets = z.infer<typeof Stored>;

const password = () => randomBytes(18).toString('base64url');

export class DevSecretsStore {
  readonly #dir: string;

  constructor(dataDir: string) {
    this.#dir = join(dataDir, 'stack', 'secrets');
  }

  path(tenant: string): string {
    return join(this.#dir, `${tenant}.json`);
  }

  async read(tenant: string): Promise<TenantSecrets | null> {
    const text = await readFile(this.path(tenant), 'utf8').catch(() => null);
    if (text === null) return null;
    const parsed = Stored.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  }

  /** The tenant's secrets, generated and saved the first time. */
  async ensure(tenant: string): Promise<{ secrets: TenantSecrets; created: boolean }> {
    const existing = await this.read(tenant);
    if (existing) return { secrets: existing, created: false };
    const secrets: TenantSecrets = {
      opensearchAdminPassword: password(),
      airflowAdminPassword: password(),
      airflowDbPassword: password(),
      // Fernet wants 32 url-safe base64 bytes, with padding.
      airflowFernetKey: randomBytes(32).toString('base64').replaceAll('+', '-').replaceAll('/', '_'),
      airflowWebserverSecretKey: randomBytes(24).toString('hex'),
      redisPassword: password(),
      kafkaPassword: password(),
      createdAt: Date.now(),
    };
    await mkdir(this.#dir, { recursive: true, mode: 0o700 });
    await chmod(this.#dir, 0o700);
    await writeFileAtomic(this.path(tenant), JSON.stringify(secrets, null, 2));
    return { secrets, created: true };
  }
}

/** Every value, for masking in streamed output and errors. */
export function secretValues(secrets: TenantSecrets): string[] {
  return Object.entries(secrets)
    .filter(([key]) => key !== 'createdAt')
    .map(([, value]) => String(value));
}

/** What the Stack pane lists: Kubernetes Secret, key, value and what uses it. */
export function describeSecrets(tenant: string, secrets: TenantSecrets): DevSecret[] {
  return [
    { secret: 'opensearch-admin-credentials', key: 'username', value: 'admin', purpose: 'OpenSearch admin user' },
    {
      secret: 'opensearch-admin-credentials',
      key: 'password',
      value: secrets.opensearchAdminPassword,
      purpose: 'OpenSearch admin password',
    },
    {
      secret: `logclaw-airflow-${tenant}-webserver (defaultUser)`,
      key: 'admin',
      value: secrets.airflowAdminPassword,
      purpose: 'Airflow web UI login (user admin)',
    },
    {
      secret: 'logclaw-airflow-metadata',
      key: 'postgres password',
      value: secrets.airflowDbPassword,
      purpose: 'Airflow metadata database (bundled PostgreSQL)',
    },
    {
      secret: `logclaw-airflow-${tenant}-fernet-key`,
      key: 'fernet-key',
      value: secrets.airflowFernetKey,
      purpose: 'Airflow connection encryption',
    },
    {
      secret: `logclaw-airflow-${tenant}-webserver-secret-key`,
      key: 'webserver-secret-key',
      value: secrets.airflowWebserverSecretKey,
      purpose: 'Airflow session signing',
    },
    { secret: 'redis-pass', key: 'redis-password', value: secrets.redisPassword, purpose: 'Redis (Zammad, when enabled)' },
    {
      secret: 'kafka-dev-credentials',
      key: 'password',
      value: secrets.kafkaPassword,
      purpose: 'Kafka user logclaw (for SCRAM listeners; the local plain listener has no auth)',
    },
  ];
}

/** The values a release gets from the dev secrets (written to a 0600 file, never to a command line). */
export function secretValuesFor(release: string, secrets: TenantSecrets): Record<string, unknown> {
  if (release === 'platform') {
    return {
      devSecrets: {
        'opensearch-admin-credentials': { username: 'admin', password: secrets.opensearchAdminPassword },
        'redis-pass': { 'redis-password': secrets.redisPassword },
        'kafka-dev-credentials': { username: 'logclaw', password: secrets.kafkaPassword },
      },
    };
  }
  if (release === 'airflow') {
    return {
      airflow: {
        postgresql: { auth: { postgresPassword: secrets.airflowDbPassword } },
        webserver: { defaultUser: { password: secrets.airflowAdminPassword } },
        fernetKey: secrets.airflowFernetKey,
        webserverSecretKey: secrets.airflowWebserverSecretKey,
      },
    };
  }
  return {};
}
