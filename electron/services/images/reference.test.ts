import { describe, expect, it } from 'vitest';
import { InvalidReference, parseImageRef, registryOf } from './reference.js';

describe('image references (as distribution/reference normalizes them)', () => {
  it.each([
    ['busybox', { domain: 'docker.io', host: 'registry-1.docker.io', repository: 'library/busybox', tag: 'latest', reference: 'latest' }],
    ['apache/airflow:2.9.2', { domain: 'docker.io', repository: 'apache/airflow', tag: '2.9.2', reference: '2.9.2' }],
    ['docker.io/library/python:3.12-slim', { domain: 'docker.io', repository: 'library/python', tag: '3.12-slim' }],
    ['index.docker.io/timberio/vector:0.38.0-debian', { domain: 'docker.io', repository: 'timberio/vector' }],
    [
      'quay.io/strimzi/kafka:0.50.1-kafka-4.1.1',
      { domain: 'quay.io', host: 'quay.io', repository: 'strimzi/kafka', tag: '0.50.1-kafka-4.1.1' },
    ],
    ['ghcr.io/external-secrets/external-secrets:v0.10.3', { domain: 'ghcr.io', repository: 'external-secrets/external-secrets' }],
    ['registry.k8s.io/pause:3.10', { domain: 'registry.k8s.io', repository: 'pause', tag: '3.10' }],
    ['127.0.0.1:5000/logclaw/agent:1', { domain: '127.0.0.1:5000', host: '127.0.0.1:5000', repository: 'logclaw/agent', tag: '1' }],
    ['localhost/agent', { domain: 'localhost', repository: 'agent', tag: 'latest' }],
    ['[::1]:5000/a/b:c', { domain: '[::1]:5000', repository: 'a/b', tag: 'c' }],
  ])('%s', (text, expected) => {
    expect(parseImageRef(text)).toMatchObject({ text, ...expected });
  });

  it('asks by digest when there is one, keeping the tag it was written with', () => {
    const digest = 'sha256:' + 'a'.repeat(64);
    expect(parseImageRef(`busybox:1.36@${digest}`)).toMatchObject({ tag: '1.36', digest, reference: digest });
    const pinned = parseImageRef(`ghcr.io/x/y@${digest}`);
    expect(pinned).toMatchObject({ digest, reference: digest });
    expect(pinned.tag).toBeUndefined();
  });

  it.each([
    ['', 'it is empty'],
    ['Logclaw/Agent:1', 'must be lowercase'],
    ['busybox:bad tag', 'the tag "bad tag"'],
    ['busybox@sha256:xyz', 'is not algorithm:hex'],
    ['docker.io/a//b', 'path component'],
  ])('refuses %j (%s)', (text, why) => {
    expect(() => parseImageRef(text)).toThrow(InvalidReference);
    expect(() => parseImageRef(text)).toThrow(why);
  });

  it('names the registry of a malformed reference too', () => {
    expect(registryOf('ghcr.io/Bad/Name:1')).toBe('ghcr.io');
    expect(registryOf('Bad/Name')).toBe('docker.io');
  });
});
