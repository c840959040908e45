import { describe, expect, it } from 'vitest';
import { classifyPullMessage } from './pull-message.js';

describe("a node's pull error, classified", () => {
  it.each([
    // containerd (kind nodes) through the kubelet's ErrImagePull message and Failed events
    [
      'Failed to pull image "docker.io/library/busybox:nope": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/busybox:nope": failed to resolve reference "docker.io/library/busybox:nope": docker.io/library/busybox:nope: not found',
      'not-found',
    ],
    [
      'failed to resolve reference "ghcr.io/acme/private:1": failed to authorize: failed to fetch anonymous token: unexpected status from GET request to https://ghcr.io/token?scope=repository%3Aacme%2Fprivate%3Apull&service=ghcr.io: 401 Unauthorized',
      'unauthorized',
    ],
    [
      'failed to copy: httpReadSeeker: failed open: unexpected status code https://registry-1.docker.io/v2/library/python/manifests/sha256:abc: 429 Too Many Requests - Server message: toomanyrequests: You have reached your pull rate limit.',
      'rate-limited',
    ],
    // Docker's wording for a private or missing Docker Hub repository
    [
      "Error response from daemon: pull access denied for acme/app, repository does not exist or may require 'docker login'",
      'unauthorized',
    ],
    ['dial tcp: lookup registry.invalid on 10.96.0.10:53: no such host', 'unreachable'],
    ['Get "https://quay.io/v2/": tls: failed to verify certificate: x509: certificate signed by unknown authority', 'unreachable'],
    ['Get "https://quay.io/v2/": dial tcp 1.2.3.4:443: i/o timeout', 'unreachable'],
    [
      'InvalidImageName: Failed to apply default image tag "Logclaw/Bad": couldn\'t parse image name "Logclaw/Bad": invalid reference format',
      'invalid',
    ],
  ])('%s', (message, result) => {
    expect(classifyPullMessage([message])?.result).toBe(result);
  });

  it('says which network failure it was, and quotes the deciding phrase', () => {
    expect(classifyPullMessage(['lookup registry.invalid: no such host'])).toEqual({
      result: 'unreachable',
      network: 'dns',
      phrase: 'no such host',
    });
    expect(classifyPullMessage(['x509: certificate has expired'])).toMatchObject({ network: 'tls' });
  });

  it('reads the events when the waiting message names no cause', () => {
    expect(classifyPullMessage(['ImagePullBackOff: Back-off pulling image "x"'])).toBeNull();
    expect(classifyPullMessage(['ImagePullBackOff: Back-off pulling image "x"', 'Warning Failed: manifest unknown'])?.result).toBe(
      'not-found',
    );
  });
});
