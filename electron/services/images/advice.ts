// The fix for each kind of answer, shared by the preflight's reality check and the doctor. A fix says
// what a person does next: pin another tag or use a mirror, log in, wait, or look at the network.
import type { RealityResult } from '#contract/images.js';
import type { NetworkFailure } from './registry-client.js';

export interface Advice {
  fix?: string;
  command?: string;
}

interface Answer {
  result: RealityResult;
  network?: NetworkFailure;
  retryAt?: number;
  status?: number;
}

export interface ImageAdviceOptions {
  /** Where a mirror is configured for this image: global.imageRegistry for the tenant charts, the settings' image mirror otherwise. */
  mirror: string;
  /** This process has HTTPS_PROXY set: the check went direct, a pull may not. */
  proxied: boolean;
}

export const TENANT_MIRROR = 'global.imageRegistry in your values';
// Settings a packaged app has: its resources are read-only and it ignores the test hooks' variables.
export const OPERATOR_MIRROR = 'the image mirror (Settings → Mirrors, or `logclaw settings set mirrors.images HOST[/PATH]`)';
const CHART_MIRROR = 'a chart repository mirror (Settings → Mirrors, or `logclaw settings set mirrors.operatorCharts URL`)';

const UNKNOWN_ANSWER = 'An answer the check does not know: attach this report (logclaw preflight --report FILE) to a bug.';

function loginCommand(domain: string): string {
  return domain === 'docker.io' ? 'docker login' : `docker login ${domain}`;
}

function networkFix(answer: Answer, host: string, proxied: boolean): string {
  const direct = proxied
    ? ' The check connects directly, not through HTTPS_PROXY: if pulls go through that proxy they may still work.'
    : '';
  if (answer.status && answer.status >= 500) return `${host} has trouble right now: try again later, or use a mirror.${direct}`;
  if (answer.network === 'tls')
    return `Something between this machine and ${host} presents a certificate it does not trust (a TLS-intercepting proxy?): trust its CA on this machine and in the nodes' container runtime, or use a mirror.${direct}`;
  return `Check this machine's network, DNS, firewall and proxy: the kind nodes pull through the same network.${direct}`;
}

/** What to do about an image's answer (nothing for a found one). */
export function imageAdvice(domain: string, answer: Answer, options: ImageAdviceOptions): Advice {
  switch (answer.result) {
    case 'found':
      return {};
    case 'not-found':
      return { fix: `Pin a tag that ${domain} has, or mirror the image and point ${options.mirror} at the mirror.` };
    case 'unauthorized':
      return {
        fix: `If the image is private: \`${loginCommand(domain)}\` (the check reads ~/.docker/config.json) and give the cluster the same credentials as an image pull secret (global.imagePullSecrets). If it does not exist: pin one that does, or use a mirror (${options.mirror}).`,
        command: loginCommand(domain),
      };
    case 'rate-limited':
      return {
        fix: `Wait${answer.retryAt ? ` until ${new Date(answer.retryAt).toISOString()}` : ' for the quota window to pass'}, log in for a larger quota (\`${loginCommand(domain)}\`), or pull through a mirror (${options.mirror}).`,
        command: loginCommand(domain),
      };
    case 'unreachable':
      return { fix: networkFix(answer, domain, options.proxied) };
    case 'invalid':
      return {
        fix: 'Correct the image in the values: a lowercase repository, then :tag (letters, digits, ".", "_", "-") or @sha256:<digest>.',
      };
    // An image reference is asked for by digest when it has one, so only charts compare digests.
    case 'digest-differs':
    case 'error':
      return { fix: UNKNOWN_ANSWER };
  }
}

/** What to do about an operator chart's answer. */
export function chartAdvice(repository: string, answer: Answer, proxied: boolean): Advice {
  const host = new URL(repository).host;
  switch (answer.result) {
    case 'found':
      return {};
    case 'not-found':
      return {
        fix: `The repository does not serve this chart version: use ${CHART_MIRROR} that serves it.`,
      };
    case 'digest-differs':
      return {
        fix: `The repository serves another archive for this version than the one pinned: someone re-published it. Check the new archive (helm pull, then its provenance) and report it, or use ${CHART_MIRROR} that keeps the pinned one.`,
      };
    case 'unauthorized':
      return {
        fix: `The repository wants credentials: \`helm repo add --username … ${repository}\`, or use ${CHART_MIRROR}.`,
      };
    case 'rate-limited':
      return {
        fix: `Wait${answer.retryAt ? ` until ${new Date(answer.retryAt).toISOString()}` : ''}, or use ${CHART_MIRROR}.`,
      };
    case 'unreachable':
      return { fix: networkFix(answer, host, proxied) };
    case 'invalid':
    case 'error':
      return { fix: UNKNOWN_ANSWER };
  }
}
