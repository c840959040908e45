// What a node's failed pull says, classified: the kubelet passes the container runtime's error into
// the container's waiting message and the pod's "Failed" events (containerd: `failed to resolve
// reference "…": … not found`, `… 401 Unauthorized`, `429 Too Many Requests`, `dial tcp: lookup …:
// no such host`; Docker Hub: `pull access denied …, repository does not exist or may require 'docker
// login'`; the kubelet itself: InvalidImageName, `couldn't parse image name`). The first rule that
// matches wins: a denial names "does not exist" too, so it is tested before "not found".
import type { RealityResult } from '#contract/images.js';
import type { NetworkFailure } from './registry-client.js';

export interface PullMessageClass {
  result: Exclude<RealityResult, 'found' | 'digest-differs' | 'error'>;
  network?: NetworkFailure;
  /** The phrase that decided it, to quote. */
  phrase: string;
}

const RULES: Array<{ pattern: RegExp; result: PullMessageClass['result']; network?: NetworkFailure }> = [
  { pattern: /InvalidImageName|invalid reference format|couldn't parse image (name|reference)/i, result: 'invalid' },
  { pattern: /429 Too Many Requests|toomanyrequests|rate limit/i, result: 'rate-limited' },
  {
    pattern: /pull access denied|401 Unauthorized|403 Forbidden|authorization failed|authentication required|insufficient_scope|denied:/i,
    result: 'unauthorized',
  },
  { pattern: /manifest unknown|name unknown|: not found|\bnot found\b|NotFound/i, result: 'not-found' },
  { pattern: /no such host|server misbehaving|Temporary failure in name resolution/i, result: 'unreachable', network: 'dns' },
  { pattern: /x509:|tls: |certificate (signed by unknown|has expired|is not valid)/i, result: 'unreachable', network: 'tls' },
  { pattern: /connection refused/i, result: 'unreachable', network: 'refused' },
  {
    pattern: /i\/o timeout|context deadline exceeded|TLS handshake timeout|network is unreachable/i,
    result: 'unreachable',
    network: 'timeout',
  },
];

/** The first classified phrase among the texts (waiting reason and message first, then the events). */
export function classifyPullMessage(texts: readonly string[]): PullMessageClass | null {
  for (const rule of RULES)
    for (const text of texts) {
      const match = rule.pattern.exec(text);
      if (match) return { result: rule.result, ...(rule.network ? { network: rule.network } : {}), phrase: match[0] };
    }
  return null;
}
