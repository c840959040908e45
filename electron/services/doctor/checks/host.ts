// Host kernel settings the stack needs when the cluster shares this machine's kernel (kind nodes are
// containers): the stack installer's preflight checks, run as doctor checks. Not one-click: they
// need root on this machine (or in Docker Desktop's/Podman's VM), so the commands are shown.
import type { PreflightCheck } from '#contract/stack.js';
import { runPreflight } from '../../stack/preflight.js';
import { type CheckDefinition, type Detection, ok } from '../check.js';
import type { DoctorEnv } from '../env.js';

async function preflightCheck(env: DoctorEnv, id: string): Promise<PreflightCheck | undefined> {
  const unavailable = () => Promise.reject(new Error('not part of this check'));
  const report = await runPreflight({
    platform: (env.ctx.env.LOGCLAW_DOCTOR_PLATFORM as NodeJS.Platform | undefined) ?? process.platform,
    mode: env.local ? 'kind' : 'existing',
    tools: async () => [],
    runtime: async () => null,
    requests: unavailable,
    readProc: env.readProc,
    freeDisk: unavailable,
    diskPath: env.ctx.dataDir,
    ports: async () => [],
  });
  return report.checks.find((check) => check.id === id);
}

function fromPreflight(env: DoctorEnv, check: PreflightCheck | undefined, what: string): Detection {
  if (!check) return ok(`${what}: not checked.`);
  if (check.status === 'skip') return ok(`Not applicable: ${check.reason}`);
  if (check.status === 'pass') return ok(check.reason);
  const commands = check.command ? [check.command] : [];
  return {
    status: check.status === 'fail' ? 'fail' : 'warn',
    summary: check.reason,
    evidence: [
      {
        source: env.ctx.env.LOGCLAW_DOCTOR_PROC_ROOT ? `${env.ctx.env.LOGCLAW_DOCTOR_PROC_ROOT}/proc/sys` : '/proc/sys',
        lines: [check.reason],
      },
    ],
    fix: {
      title: 'Raise it on the host',
      changes:
        `${check.fix ?? ''} It needs root on this machine (on macOS/Windows: inside Docker Desktop's or Podman's VM), so LogClaw does not run it for you; run the command, then re-check.`.trim(),
      commands: [
        ...commands,
        'echo "vm.max_map_count=262144\nfs.inotify.max_user_watches=524288\nfs.inotify.max_user_instances=512" | sudo tee /etc/sysctl.d/99-logclaw.conf && sudo sysctl --system',
      ],
      automatic: false,
    },
  };
}

export const maxMapCount: CheckDefinition = {
  id: 'vm-max-map-count',
  title: 'vm.max_map_count for OpenSearch',
  explanation:
    "OpenSearch maps its index files into memory and refuses to start (bootstrap check) when vm.max_map_count is below 262144. kind nodes are containers sharing this machine's kernel, so the host's value is the one that counts.",
  cluster: false,
  async detect(env) {
    return fromPreflight(env, await preflightCheck(env, 'vm-max-map-count'), 'vm.max_map_count');
  },
};

export const inotify: CheckDefinition = {
  id: 'inotify',
  title: 'inotify limits',
  explanation:
    'Every pod\'s kubelet, Vector and the JVMs watch files with inotify. With the distribution defaults (128 instances) a kind cluster running the whole stack runs out, and pods fail with "too many open files"; kind recommends 512 instances and 524288 watches.',
  cluster: false,
  async detect(env) {
    return fromPreflight(env, await preflightCheck(env, 'inotify'), 'inotify');
  },
};
