import { describe, expect, it } from 'vitest';
import { REDACTED, Redactor } from './redact.js';
import { readZip, writeZip } from './zip.js';

describe('Redactor', () => {
  it('masks Secret data, credential keys, sensitive env vars, bearer tokens, URL passwords and known values', () => {
    const r = new Redactor();
    r.add('hunter2-planted');
    const out = r.value({
      secret: { kind: 'Secret', metadata: { name: 's' }, type: 'Opaque', data: { anything: 'aHVudGVyMg==' } },
      env: [
        { name: 'DB_PASSWORD', value: 'p4ss-w0rd' },
        { name: 'FERNET_KEY', value: 'abc' },
        { name: 'LOG_LEVEL', value: 'debug' },
        { name: 'OPENSEARCH_PASSWORD', valueFrom: { secretKeyRef: { name: 'opensearch-admin-credentials', key: 'password' } } },
      ],
      kubeconfig: { users: [{ name: 'u', user: { token: 'eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl', 'client-key-data': 'LS0t' } }] },
      values: { auth: { password: 'value-from-helm' }, secretName: 'keep-this-name' },
      log: 'connecting with Authorization: Bearer abcdefghijklmnop to postgresql://postgres:pgpass1@db:5432/x; password=topsecret1 and hunter2-planted',
    });
    const text = JSON.stringify(out);
    for (const value of [
      'aHVudGVyMg==',
      'p4ss-w0rd',
      '"abc"',
      'eyJhbGciOi',
      'LS0t',
      'value-from-helm',
      'abcdefghijklmnop',
      'pgpass1',
      'topsecret1',
      'hunter2-planted',
    ])
      expect(text).not.toContain(value);
    expect(text).toContain('"LOG_LEVEL","value":"debug"');
    expect(text).toContain('keep-this-name');
    expect(text).toContain('"key":"password"');
    expect(text).toContain(`postgresql://postgres:${REDACTED}@db`);
    expect(r.count).toBeGreaterThan(8);
  });

  it('masks the base64 form of a known value too', () => {
    const r = new Redactor();
    r.add('planted-value-9');
    expect(r.text(`x ${Buffer.from('planted-value-9').toString('base64')} y`)).toBe(`x ${REDACTED} y`);
  });
});

describe('zip', () => {
  it('round-trips entries through deflate with checksums', () => {
    const big = 'line of log\n'.repeat(10_000);
    const zip = writeZip([
      { name: 'a.json', data: '{"a":1}' },
      { name: 'logs/pod/c.log', data: big },
      { name: 'ü.txt', data: Buffer.from([0, 1, 2]) },
    ]);
    expect(zip.length).toBeLessThan(big.length / 10);
    const entries = readZip(zip);
    expect([...entries.keys()]).toEqual(['a.json', 'logs/pod/c.log', 'ü.txt']);
    expect(entries.get('logs/pod/c.log')!.toString()).toBe(big);
    expect([...entries.get('ü.txt')!]).toEqual([0, 1, 2]);
  });
});
