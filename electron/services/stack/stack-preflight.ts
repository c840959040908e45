// The probes the stack's preflight runs on this machine and cluster (preflight.ts holds the checks),
// and its report as the preflight step's log lines.
import { CoreV1Api } from '@kubernetes/client-node';
import YAML from 'yaml';
import type { Mirrors } from '#contract/index.js';
import type { PreflightReport } from '#contract/stack.js';
import type { BackendContext } from '../../domain.js';
import { isPortFree, portOwner } from '../net/ports.js';
import { type PlanRelease, type TenantValues, chartPath, fill, mergeValues, releaseMirrorValues, valuesForChart } from './plan.js';
import { type PreflightProbes, type Requests, type RuntimeInfo, freeDiskBytes, readProcFile } from './preflight.js';
import { parseBytes, parseCpu } from './quantity.js';
import { tenantNamespace } from './services.js';
import { type ResolvedTarget, kubeConfigFor } from './target.js';

const SYMBOL = { pass: '✓', warn: '!', fail: '✗', skip: '–' } as const;

export function preflightProbes(ctx: BackendContext, target: ResolvedTarget, requests: () => Promise<Requests>): PreflightProbes {
  const { tools } = ctx;
  return {
    platform: process.platform,
    mode: target.mode,
    tools: () => tools.detect(target.mode === 'kind' ? ['docker', 'podman', 'kind', 'helm', 'kubectl'] : ['helm', 'kubectl']),
    runtime: () => runtimeInfo(ctx),
    clusterCapacity: () => clusterCapacity(ctx, target),
    requests,
    readProc: readProcFile,
    freeDisk: freeDiskBytes,
    diskPath: ctx.dataDir,
    ports: () => forwardPorts(ctx),
  };
}

/** The stack forwards' local ports: free, or which process holds each. */
export function forwardPorts(ctx: BackendContext): ReturnType<PreflightProbes['ports']> {
  return Promise.all(
    ctx.forwards
      .specs()
      .filter((spec) => !spec.custom)
      .map(async (spec) => {
        const free = await isPortFree(spec.localPort);
        const owner = free ? null : await portOwner(spec.localPort).catch(() => null);
        return {
          port: spec.localPort,
          title: spec.title,
          free,
          owner: owner ? `${owner.command.split(' ')[0]} (pid ${owner.pid})` : undefined,
        };
      }),
  );
}

/** What an existing cluster's nodes can allocate. */
export async function clusterCapacity(
  ctx: BackendContext,
  target: ResolvedTarget,
): Promise<{ cpuMillis: number; memoryBytes: number; nodes: number }> {
  const nodes = await kubeConfigFor(target, ctx.env).makeApiClient(CoreV1Api).listNode();
  return nodes.items.reduce(
    (acc, node) => ({
      cpuMillis: acc.cpuMillis + parseCpu(node.status?.allocatable?.cpu),
      memoryBytes: acc.memoryBytes + parseBytes(node.status?.allocatable?.memory),
      nodes: acc.nodes + 1,
    }),
    { cpuMillis: 0, memoryBytes: 0, nodes: 0 },
  );
}

/** The reachable container runtime's memory and CPUs (what kind's node can use), or null. */
export async function runtimeInfo(ctx: BackendContext): Promise<RuntimeInfo | null> {
  const reports = await ctx.tools.detect(['docker', 'podman']);
  const usable = reports.find((report) => report.ok && report.daemon?.reachable);
  if (!usable) return null;
  if (usable.name === 'docker') {
    const { stdout } = await ctx.tools.run('docker', ['info', '--format', '{{json .}}'], { timeoutMs: 10_000 });
    const info = JSON.parse(stdout) as { MemTotal?: number; NCPU?: number; DockerRootDir?: string };
    return { name: 'docker', memoryBytes: info.MemTotal ?? 0, cpus: info.NCPU ?? 0, rootDir: info.DockerRootDir };
  }
  const { stdout } = await ctx.tools.run('podman', ['info', '--format', 'json'], { timeoutMs: 10_000 });
  const info = JSON.parse(stdout) as { host?: { memTotal?: number; cpus?: number }; store?: { graphRoot?: string } };
  return { name: 'podman', memoryBytes: info.host?.memTotal ?? 0, cpus: info.host?.cpus ?? 0, rootDir: info.store?.graphRoot };
}

/**
 * The values a release gets after its chart's local files, merged in the install's order: the
 * profile's, the app's (tenant id, the image mirror; the storage class and dev secrets ask for no resources), the user's.
 */
export function installValues(
  release: PlanRelease,
  tenant: string,
  profile: TenantValues,
  user: TenantValues,
  mirrors: Mirrors,
): Record<string, unknown> {
  const section = release.values.tenantSection;
  const app = mergeValues({ global: { tenantId: tenant } }, releaseMirrorValues(release, mirrors));
  return mergeValues(mergeValues(valuesForChart(profile, section), app), valuesForChart(user, section));
}

/** One release as helm renders it with the values the install gives it (on stdin): its requests, limits and images. */
export async function renderRelease(
  ctx: BackendContext,
  chartsDir: string,
  tenant: string,
  release: PlanRelease,
  values: Record<string, unknown>,
): Promise<string> {
  const args = [
    'template',
    fill(release.release, tenant),
    chartPath(chartsDir, release.chart),
    '--namespace',
    tenantNamespace(tenant),
    ...release.values.local.flatMap((file) => ['-f', chartPath(chartsDir, file)]),
    '-f',
    '-',
  ];
  return (await ctx.tools.run('helm', args, { timeoutMs: 60_000, input: YAML.stringify(values) })).stdout;
}

/** One line a check, with its fix when it did not pass; failures the user accepted say so. */
export function preflightLines(report: PreflightReport, ignore: readonly string[]): string[] {
  const ignored = new Set(ignore);
  return report.checks.map((check) => {
    const accepted = check.status === 'fail' && (ignored.has(check.id) || ignored.has('all')) ? ' (accepted: --ignore-preflight)' : '';
    return `${SYMBOL[check.status]} ${check.title}: ${check.reason}${accepted}${check.fix && check.status !== 'pass' ? `\n    fix: ${check.fix}` : ''}`;
  });
}
