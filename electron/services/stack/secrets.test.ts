import { readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../../tests/support/temp.js';
import { DevSecretsStore, describeSecrets, secretValues, secretValuesFor } from './secrets.js';

const tempDir = useTempDir('logclaw-secrets-');

describe('dev secrets', () => {
  it('are random per tenant, kept 0600 in a 0700 folder, and reused', async () => {
    const store = new DevSecretsStore(tempDir());
    const first = await store.ensure('a');
    const other = await store.ensure('b');
    expect(first.created).toBe(true);
    expect(first.secrets.opensearchAdminPassword).not.toBe(other.secrets.opensearchAdminPassword);
    expect(first.secrets.opensearchAdminPassword).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(Buffer.from(first.secrets.airflowFernetKey.replaceAll('-', '+').replaceAll('_', '/'), 'base64')).toHaveLength(32);
    expect(statSync(store.path('a')).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(store.path('a'))).mode & 0o777).toBe(0o700);
    const again = await store.ensure('a');
    expect(again).toEqual({ secrets: first.secrets, created: false });
    expect(JSON.parse(readFileSync(store.path('a'), 'utf8'))).toEqual(first.secrets);
  });

  it("reach the charts as values (OpenSearch, Redis and Kafka in the platform's devSecrets; Airflow's own) and are listed for copying", async () => {
    const { secrets } = await new DevSecretsStore(tempDir()).ensure('t');
    expect(secretValuesFor('platform', secrets)).toMatchObject({
      devSecrets: {
        'opensearch-admin-credentials': { username: 'admin', password: secrets.opensearchAdminPassword },
        'redis-pass': { 'redis-password': secrets.redisPassword },
      },
    });
    expect(secretValuesFor('airflow', secrets)).toMatchObject({
      airflow: { postgresql: { auth: { postgresPassword: secrets.airflowDbPassword } } },
    });
    expect(secretValuesFor('kafka', secrets)).toEqual({});
    const listed = describeSecrets('t', secrets);
    expect(listed.map((entry) => entry.value)).toEqual(expect.arrayContaining(secretValues(secrets)));
  });
});
