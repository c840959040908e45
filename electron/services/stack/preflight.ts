// Preflight: before anything is created, each check says pass/warn/fail/skip, what it found and the
// fix. Probes (files under /proc, the container runtime's info, free disk, ports, tool versions,
// the stack's resource requests) are injected so the checks are tested on real and made-up machines.
import { readFile, statfs } from 'node:fs/promises';
import type { ToolReport } from '#contract/index.js';
import type { PreflightCheck, PreflightReport } from '#contract/stack.js';
import { formatBytes, formatCpu } from '#contract/format.js';

export type ToolReportLike = Pick<ToolReport, 'name' | 'found' | 'ok' | 'path' | 'version' | 'hint' | 'daemon'>;

export const MAX_MAP_COUNT = 262_144;
export const INOTIFY_WATCHES = 524_288;
export const INOTIFY_INSTANCES = 512;
const GiB = 1024 ** 3;

export interface RuntimeInfo {
  name: 'docker' | 'podman';
  memoryBytes: number;
  cpus: number;
  /** Where the runtime stores images and containers (when it says). */
  rootDir?: string;
}

export interface Requests {
  cpuMillis: number;
  memoryBytes: number;
  /** How the numbers were obtained, for the reason line. */
  source: string;
}

export interface PortProbe {
  port: number;
  title: string;
  free: boolean;
  owner?: string;
}

export interface PreflightProbes {
  platform: NodeJS.Platform;
  mode: 'kind' | 'existing';
  tools(): Promise<ToolReportLike[]>;
  /** The container runtime's capacity, or null when none is reachable. */
  runtime(): Promise<RuntimeInfo | null>;
  /** Allocatable CPU/memory of an existing cluster's nodes. */
  clusterCapacity?(): Promise<{ cpuMillis: number; memoryBytes: number; nodes: number }>;
  requests(): Promise<Requests>;
  readProc(path: string): Promise<string>;
  freeDisk(path: string): Promise<number>;
  diskPath: string;
  ports(): Promise<PortProbe[]>;
}

export const CHECK_IDS = ['container-runtime', 'resources', 'vm-max-map-count', 'inotify', 'disk', 'ports', 'tools'] as const;

export async function runPreflight(probes: PreflightProbes, ignore: readonly string[] = []): Promise<PreflightReport> {
  const tools = await probes.tools().catch(() => [] as ToolReportLike[]);
  const runtime = probes.mode === 'kind' ? await probes.runtime().catch(() => null) : null;
  const checks = await Promise.all([
    guard('container-runtime', 'Container runtime', () => checkRuntime(probes, tools)),
    guard('resources', 'Memory and CPU for the stack', () => checkResources(probes, runtime)),
    guard('vm-max-map-count', 'vm.max_map_count for OpenSearch', () => checkMaxMapCount(probes)),
    guard('inotify', 'inotify limits', () => checkInotify(probes)),
    guard('disk', 'Free disk', () => checkDisk(probes, runtime)),
    guard('ports', 'Local ports for the forwards', () => checkPorts(probes)),
    guard('tools', 'kind, helm and kubectl', () => checkTools(probes, tools)),
  ]);
  return { at: Date.now(), ok: blockingChecks(checks, ignore).length === 0, checks };
}

/** The failed checks the user did not accept (--ignore-preflight ID,... or all): they stop an install. */
export function blockingChecks(checks: PreflightCheck[], ignore: readonly string[]): PreflightCheck[] {
  const ignored = new Set(ignore);
  return checks.filter((check) => check.status === 'fail' && !ignored.has(check.id) && !ignored.has('all'));
}

async function guard(id: string, title: string, run: () => Promise<Omit<PreflightCheck, 'id' | 'title'>>): Promise<PreflightCheck> {
  try {
    return { id, title, ...(await run()) };
  } catch (error) {
    return { id, title, status: 'warn', reason: `Could not check: ${(error as Error).message}` };
  }
}

type Result = Omit<PreflightCheck, 'id' | 'title'>;

async function checkRuntime(probes: PreflightProbes, tools: ToolReportLike[]): Promise<Result> {
  if (probes.mode === 'existing') return { status: 'skip', reason: 'Using an existing cluster: no local container runtime is needed.' };
  const docker = tools.find((tool) => tool.name === 'docker');
  const podman = tools.find((tool) => tool.name === 'podman');
  for (const tool of [docker, podman]) {
    if (tool?.ok && tool.daemon?.reachable) return { status: 'pass', reason: `${tool.daemon.message} (${tool.path}).` };
  }
  const found = [docker, podman].find((tool) => tool?.found);
  if (found) {
    return {
      status: 'fail',
      reason: `${found.name} is installed but its daemon is not reachable: ${(found.daemon?.message ?? 'no answer').replace(/[.?!\s]+$/, '')}.`,
      fix:
        found.name === 'docker'
          ? 'Start Docker Desktop, or on Linux `sudo systemctl start docker` (and add yourself to the docker group), then check again.'
          : 'Start the Podman machine (`podman machine start`), then check again.',
      command:
        probes.platform === 'linux' && found.name === 'docker'
          ? 'sudo systemctl start docker'
          : found.name === 'podman'
            ? 'podman machine start'
            : undefined,
    };
  }
  return {
    status: 'fail',
    reason: 'Neither docker nor podman was found: kind runs the cluster nodes as containers.',
    fix: docker?.hint ?? 'Install Docker Desktop, Docker Engine or Podman, then check again.',
  };
}

async function checkResources(probes: PreflightProbes, runtime: RuntimeInfo | null): Promise<Result> {
  const requests = await probes.requests();
  const need = `the stack requests ${formatCpu(requests.cpuMillis)} CPU and ${formatBytes(requests.memoryBytes)} (${requests.source})`;
  let have: { cpuMillis: number; memoryBytes: number; what: string };
  if (probes.mode === 'existing') {
    if (!probes.clusterCapacity) return { status: 'skip', reason: "The cluster's capacity is not known." };
    const capacity = await probes.clusterCapacity();
    have = { ...capacity, what: `the cluster's ${capacity.nodes} node(s) can allocate` };
  } else {
    if (!runtime) return { status: 'skip', reason: `No container runtime to measure; ${need}.` };
    have = { cpuMillis: runtime.cpus * 1000, memoryBytes: runtime.memoryBytes, what: `${runtime.name} has` };
  }
  const summary = `${have.what} ${formatCpu(have.cpuMillis)} CPU and ${formatBytes(have.memoryBytes)}; ${need}.`;
  const fix =
    probes.mode === 'kind'
      ? 'Give Docker/Podman more memory and CPUs (Docker Desktop → Settings → Resources; `podman machine set --memory --cpus`), or disable components in your values.'
      : 'Add nodes or capacity to the cluster, or disable components in your values.';
  if (have.memoryBytes < requests.memoryBytes || have.cpuMillis < requests.cpuMillis)
    return { status: 'fail', reason: `Not enough: ${summary}`, fix };
  if (have.memoryBytes < requests.memoryBytes * 1.25)
    return { status: 'warn', reason: `Tight: ${summary} Pods may be evicted under load.`, fix };
  return { status: 'pass', reason: summary };
}

async function checkMaxMapCount(probes: PreflightProbes): Promise<Result> {
  if (probes.mode === 'existing')
    return {
      status: 'skip',
      reason:
        "It is a setting of the cluster's nodes, not of this machine (the OpenSearch chart raises it with a privileged init container where that is allowed).",
    };
  if (probes.platform !== 'linux')
    return {
      status: 'skip',
      reason: "Docker Desktop/Podman run a Linux VM; the OpenSearch chart raises the VM's value with a privileged init container.",
    };
  const value = Number((await probes.readProc('/proc/sys/vm/max_map_count')).trim());
  if (!Number.isFinite(value)) return { status: 'warn', reason: 'Could not read /proc/sys/vm/max_map_count.' };
  if (value >= MAX_MAP_COUNT)
    return { status: 'pass', reason: `vm.max_map_count is ${value} (OpenSearch needs at least ${MAX_MAP_COUNT}).` };
  return {
    status: 'fail',
    reason: `vm.max_map_count is ${value}; OpenSearch needs at least ${MAX_MAP_COUNT} and fails its bootstrap checks below it (kind nodes share this machine's kernel).`,
    fix: `Raise it now with \`sudo sysctl -w vm.max_map_count=${MAX_MAP_COUNT}\`; to keep it after a reboot: \`echo vm.max_map_count=${MAX_MAP_COUNT} | sudo tee /etc/sysctl.d/99-logclaw.conf && sudo sysctl --system\`.`,
    command: `sudo sysctl -w vm.max_map_count=${MAX_MAP_COUNT}`,
  };
}

async function checkInotify(probes: PreflightProbes): Promise<Result> {
  if (probes.mode === 'existing') return { status: 'skip', reason: "A setting of the cluster's nodes." };
  if (probes.platform !== 'linux') return { status: 'skip', reason: "Set inside Docker Desktop's/Podman's VM." };
  const watches = Number((await probes.readProc('/proc/sys/fs/inotify/max_user_watches')).trim());
  const instances = Number((await probes.readProc('/proc/sys/fs/inotify/max_user_instances')).trim());
  const found = `max_user_watches ${watches}, max_user_instances ${instances}`;
  if (watches >= INOTIFY_WATCHES && instances >= INOTIFY_INSTANCES) return { status: 'pass', reason: `${found}.` };
  return {
    status: 'warn',
    reason: `${found}: below kind's recommended ${INOTIFY_WATCHES}/${INOTIFY_INSTANCES}, pods can fail with "too many open files".`,
    fix: `\`sudo sysctl fs.inotify.max_user_watches=${INOTIFY_WATCHES} fs.inotify.max_user_instances=${INOTIFY_INSTANCES}\` (persist in /etc/sysctl.d/99-logclaw.conf).`,
    command: `sudo sysctl fs.inotify.max_user_watches=${INOTIFY_WATCHES} fs.inotify.max_user_instances=${INOTIFY_INSTANCES}`,
  };
}

async function checkDisk(probes: PreflightProbes, runtime: RuntimeInfo | null): Promise<Result> {
  if (probes.mode === 'existing') return { status: 'skip', reason: "Images and volumes live on the cluster's nodes." };
  let path = runtime?.rootDir && probes.platform === 'linux' ? runtime.rootDir : probes.diskPath;
  const free = await probes.freeDisk(path).catch(() => {
    path = probes.diskPath;
    return probes.freeDisk(path);
  });
  const reason = `${formatBytes(free)} free at ${path}; the node image, the stack's images and volumes take about 15 GiB.`;
  if (free < 8 * GiB)
    return {
      status: 'fail',
      reason,
      fix: 'Free some disk space (`docker system prune` removes unused images).',
      command: 'docker system prune',
    };
  if (free < 20 * GiB) return { status: 'warn', reason, fix: 'Free some disk space before installing (`docker system prune`).' };
  return { status: 'pass', reason };
}

async function checkPorts(probes: PreflightProbes): Promise<Result> {
  const ports = await probes.ports();
  const busy = ports.filter((port) => !port.free);
  if (busy.length === 0)
    return { status: 'pass', reason: `All ${ports.length} forward ports are free (${ports.map((port) => port.port).join(', ')}).` };
  const list = busy.map((port) => `${port.port} (${port.title}${port.owner ? `, held by ${port.owner}` : ''})`).join(', ');
  return {
    status: 'warn',
    reason: `In use: ${list}. The install works; those forwards will need another local port.`,
    fix: 'Stop the program holding the port, or choose another local port in the Forwards pane (it offers a free one).',
  };
}

async function checkTools(probes: PreflightProbes, tools: ToolReportLike[]): Promise<Result> {
  const needed = probes.mode === 'kind' ? ['kind', 'helm', 'kubectl'] : ['helm', 'kubectl'];
  const problems = needed.map((name) => tools.find((tool) => tool.name === name)).filter((tool) => !tool?.ok);
  const versions = needed.map((name) => `${name} ${tools.find((tool) => tool.name === name)?.version ?? '?'}`).join(', ');
  if (problems.length === 0) return { status: 'pass', reason: `${versions}.` };
  const missing = needed.filter((name) => !tools.find((tool) => tool.name === name)?.ok);
  return {
    status: 'fail',
    reason: `${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing or too old (${versions}).`,
    fix:
      problems
        .map((tool) => tool?.hint)
        .filter(Boolean)
        .join(' ') || 'Run `npm run fetch-tools`, or set the paths in Settings → Prerequisites.',
    command: 'npm run fetch-tools',
  };
}

export async function readProcFile(path: string): Promise<string> {
  return readFile(path, 'utf8');
}

export async function freeDiskBytes(path: string): Promise<number> {
  const stats = await statfs(path);
  return Number(stats.bavail) * Number(stats.bsize);
}
