// The local stack: preflight, kind cluster (or an existing context), operators and the tenant's
// releases, installed and removed as journalled jobs (`job:*` events carry their progress).
import { z } from 'zod';
import type { ChannelMap, EventMap } from './define.js';
import { RealityProgress, RealityReport } from './images.js';
import { ErrorInfo, Job, Settings } from './schemas.js';

const tenant = Settings.shape.tenant.unwrap();
/** kind cluster names: what kind accepts and what fits a `kind-<name>` context. */
export const ClusterName = z.string().regex(/^[a-z0-9]([-a-z0-9]{0,40}[a-z0-9])?$/, 'a cluster name is lowercase letters, digits and "-"');
const k8sName = z.string().regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, 'must be a Kubernetes name');
/** Helm/kubectl durations: 90s, 20m, 1h30m. */
export const Duration = z.string().regex(/^(\d+(ms|s|m|h))+$/, 'a duration like 90s, 20m or 1h');

export const DEFAULT_CLUSTER = 'logclaw-dev';
/** The profile a first install gets: the lean pipeline (resources/stack.yaml `profiles:`). */
export const DEFAULT_PROFILE = 'pipeline';

const partName = z.string().regex(/^[a-z][a-z0-9-]{0,40}$/, 'a profile or toggle name is lowercase letters, digits and "-"');

/** What to install: a profile of resources/stack.yaml, its toggles that are on, and the user's values over it. */
const Selection = {
  profile: partName.default(DEFAULT_PROFILE),
  /** Toggles of the profile to turn on (pipeline: airflow, feast, flink). */
  toggles: z.array(partName).default([]),
  /** A tenant-layout values file (`global` plus a section per chart) applied after the profile's values. */
  valuesFile: z.string().min(1).optional(),
  /** The same as YAML text (the UI's overrides editor). */
  overrides: z.string().max(200_000).optional(),
};

/** Where the stack goes: a kind cluster the app creates (or reuses), or a context of the user's kubeconfig. */
export const StackTarget = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('kind'), cluster: ClusterName.default(DEFAULT_CLUSTER) }).strict(),
  z
    .object({
      mode: z.literal('existing'),
      /** Default: the current context (Settings, else the kubeconfig's current-context). */
      context: z.string().min(1).optional(),
      /** Default: kubectl's rules ($KUBECONFIG, else ~/.kube/config). */
      kubeconfig: z.string().min(1).optional(),
    })
    .strict(),
]);
export type StackTarget = z.infer<typeof StackTarget>;

export const CheckStatus = z.enum(['pass', 'warn', 'fail', 'skip']);
export type CheckStatus = z.infer<typeof CheckStatus>;

/** A chart whose digest could not be established: installed only once the user accepts it (UpRequest.acceptCharts). */
export const ChartToAccept = z.object({
  name: z.string(),
  version: z.string(),
  /** Where the archive comes from. */
  repository: z.string(),
  /** Why its digest is unknown (stack.yaml's digestSource, or charts/upstream-charts.yaml's). */
  why: z.string(),
});
export type ChartToAccept = z.infer<typeof ChartToAccept>;

export const PreflightCheck = z.object({
  id: z.string(),
  title: z.string(),
  status: CheckStatus,
  /** What was found, in one line. */
  reason: z.string(),
  /** How to fix it, when it is not a pass. */
  fix: z.string().optional(),
  /** A command that fixes it, to copy. */
  command: z.string().optional(),
  /** The charts it would pass with once accepted (the charts check). */
  accept: z.array(ChartToAccept).optional(),
});
export type PreflightCheck = z.infer<typeof PreflightCheck>;

/** CPU and memory, summed. */
export const Footprint = z.object({ cpuMillis: z.number(), memoryBytes: z.number() });
export type Footprint = z.infer<typeof Footprint>;

/** A profile with the toggles asked for, and what it asks of the machine (helm template of its charts with the install's values). */
export const ProfileInfo = z.object({
  name: z.string(),
  title: z.string(),
  description: z.string(),
  toggles: z.array(z.object({ name: z.string(), title: z.string(), releases: z.array(z.string()), on: z.boolean() })),
  /** The releases and operators it installs with those toggles and the user's values. */
  releases: z.array(z.string()),
  operators: z.array(z.string()),
  /** null when the charts could not be rendered (see error). */
  requests: Footprint.nullable(),
  /** Containers without a limit count at their request (see unlimited). */
  limits: Footprint.nullable(),
  /** Containers without a memory limit. */
  unlimited: z.number(),
  error: ErrorInfo.optional(),
});
export type ProfileInfo = z.infer<typeof ProfileInfo>;

export const ProfilesReport = z.object({
  /** What the install may use: the container runtime's memory and CPUs (kind), or the cluster's allocatable; null when unknown. */
  capacity: z.object({ source: z.string(), cpuMillis: z.number(), memoryBytes: z.number() }).nullable(),
  profiles: z.array(ProfileInfo),
});
export type ProfilesReport = z.infer<typeof ProfilesReport>;

export const PreflightReport = z.object({
  at: z.number(),
  /** No check failed (ignored ones aside). */
  ok: z.boolean(),
  checks: z.array(PreflightCheck),
  /** The images and operator charts asked of their registries (requested with `reality`); summarized by the checks images and charts. */
  reality: RealityReport.optional(),
});
export type PreflightReport = z.infer<typeof PreflightReport>;

export const StepKind = z.enum([
  'preflight',
  'cluster',
  'operator',
  'crds',
  'images',
  'namespace',
  'secrets',
  'release',
  'uninstall',
  'cleanup',
]);
export type StepKind = z.infer<typeof StepKind>;

/** What the timeline needs beyond the job's own step states. */
export const StepInfo = z.object({
  id: z.string(),
  title: z.string(),
  kind: StepKind,
  dependsOn: z.array(z.string()),
  /** Nothing depends on it and the stack works without it: "Skip" is offered when it fails. */
  skippable: z.boolean(),
  /** Median duration of this step in earlier runs on this machine, when known. */
  etaMs: z.number().nullable(),
  /** The kind/helm/kubectl command lines the step runs (or their equivalent), to copy. */
  commands: z.array(z.string()),
});
export type StepInfo = z.infer<typeof StepInfo>;

/** The failing resource's story, attached to a failed step (job.failure.detail.diagnosis). */
export const Diagnosis = z.object({
  /** Resources not ready when the step gave up, with their last status. */
  resources: z.array(z.object({ kind: z.string(), name: z.string(), message: z.string() })),
  pods: z.array(
    z.object({
      name: z.string(),
      phase: z.string(),
      /** Waiting/terminated reasons and unmet conditions, one line each. */
      reasons: z.array(z.string()),
      events: z.array(
        z.object({ type: z.string(), reason: z.string(), message: z.string(), count: z.number(), at: z.string().nullable() }),
      ),
      logTail: z.array(z.string()),
    }),
  ),
  /** Events of the resources themselves (custom resources have no pods of their own). */
  events: z.array(z.object({ object: z.string(), type: z.string(), reason: z.string(), message: z.string() })),
});
export type Diagnosis = z.infer<typeof Diagnosis>;

export const FailureDetail = z
  .object({
    command: z.string().optional(),
    stderrTail: z.array(z.string()).optional(),
    diagnosis: Diagnosis.optional(),
    /** The charts without a digest the step stopped at: it goes on once they are accepted. */
    accept: z.array(ChartToAccept).optional(),
  })
  .passthrough();
export type FailureDetail = z.infer<typeof FailureDetail>;

export const ReleaseInfo = z.object({
  /** Name in the install plan (kafka, strimzi, ...). */
  name: z.string(),
  release: z.string(),
  namespace: z.string(),
  /** Helm's status (deployed, failed, pending-install, ...) or "not installed". */
  status: z.string(),
  chart: z.string().nullable(),
  chartVersion: z.string().nullable(),
  appVersion: z.string().nullable(),
  revision: z.number().nullable(),
  updated: z.string().nullable(),
});
export type ReleaseInfo = z.infer<typeof ReleaseInfo>;

export const PodInfo = z.object({
  name: z.string(),
  phase: z.string(),
  ready: z.number(),
  containers: z.number(),
  restarts: z.number(),
  /** Why it is not ready (CrashLoopBackOff, Unschedulable, ...). */
  reason: z.string().optional(),
});
export type PodInfo = z.infer<typeof PodInfo>;

export const StackStatus = z.object({
  tenant: z.string(),
  namespace: z.string(),
  target: z.object({
    context: z.string().nullable(),
    kubeconfig: z.array(z.string()),
    /** The app's own kind cluster (kubeconfig in its data folder). */
    managed: z.boolean(),
    cluster: z.string().nullable(),
  }),
  reachable: z.boolean(),
  error: ErrorInfo.optional(),
  operators: z.array(ReleaseInfo),
  releases: z.array(ReleaseInfo),
  components: z.array(z.object({ name: z.string(), pods: z.array(PodInfo) })),
  /** The newest stack job (install or uninstall) for this tenant, with its plan. */
  job: Job.nullable(),
  steps: z.array(StepInfo),
  /** Another process (pid) runs that job right now. */
  runningElsewhere: z.number().nullable(),
  checkedAt: z.number(),
});
export type StackStatus = z.infer<typeof StackStatus>;

export const DevSecret = z.object({ secret: z.string(), key: z.string(), value: z.string(), purpose: z.string() });
export type DevSecret = z.infer<typeof DevSecret>;

export const UpRequest = z
  .object({
    tenant: tenant.optional(),
    storageClass: k8sName.default('standard'),
    target: StackTarget.default({ mode: 'kind', cluster: DEFAULT_CLUSTER }),
    ...Selection,
    /** How long each step waits for its resources to become ready (default: the plan's 20m). */
    timeout: Duration.optional(),
    /** Preflight check ids to accept even when they fail ("all" accepts every one). */
    ignorePreflight: z.array(z.string()).default([]),
    /** Charts without a recorded digest to install anyway (by chart name), recorded once in the data folder. */
    acceptCharts: z.array(z.string().min(1)).default([]),
  })
  .strict();
export type UpRequest = z.input<typeof UpRequest>;

const byTenant = z.object({ tenant: tenant.optional() }).strict().default({});

export const stackChannels = {
  /** Preflight for what this selection would install (its resource check renders those charts with those values). */
  'stack:preflight': {
    request: z
      .object({
        target: StackTarget.optional(),
        tenant: tenant.optional(),
        ...Selection,
        /** Also ask every image's registry and every operator chart's repository (network; `stack:realityProgress` tells how far). */
        reality: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    response: PreflightReport,
  },
  /**
   * Every profile with the toggles asked for (those a profile lacks are ignored), its summed
   * requests and limits, and the capacity to compare them with.
   */
  'stack:profiles': {
    request: z
      .object({
        target: StackTarget.optional(),
        tenant: tenant.optional(),
        toggles: Selection.toggles,
        valuesFile: Selection.valuesFile,
        overrides: Selection.overrides,
      })
      .strict()
      .prefault({}),
    response: ProfilesReport,
  },
  'stack:status': { request: byTenant, response: StackStatus },
  /** Starts the install, or resumes the tenant's unfinished one with the same target. */
  'stack:up': { request: UpRequest, response: Job },
  /** Runs an unfinished stack job again from its first step not done (retry), optionally skipping failed steps. */
  'stack:resume': {
    request: z.object({ id: z.string().min(1), skip: z.array(z.string()).default([]) }).strict(),
    response: Job,
  },
  /** Uninstalls the tenant (releases, then namespace), or deletes the app's kind cluster. */
  'stack:down': {
    request: z
      .object({
        tenant: tenant.optional(),
        deleteCluster: z.boolean().default(false),
        /** With deleteCluster: which of the app's kind clusters (default: the current one). */
        cluster: ClusterName.optional(),
        /** The thing being removed, typed back: the tenant id, or the cluster name with deleteCluster. */
        confirm: z.string(),
      })
      .strict(),
    response: Job,
  },
  'stack:secrets': { request: byTenant, response: z.object({ tenant: z.string(), secrets: z.array(DevSecret) }) },
  'stack:clusters': {
    request: z.object({}).strict().default({}),
    response: z.object({ kindAvailable: z.boolean(), clusters: z.array(z.string()), managedKubeconfig: z.string() }),
  },
} as const satisfies ChannelMap;

export const stackEvents = {
  /** The stack changed (a stack job finished or changed target): refetch `stack:status`. */
  'stack:changed': z.object({ tenant: z.string(), reason: z.string() }),
  /** A preflight's reality check: one more image or chart answered. */
  'stack:realityProgress': RealityProgress,
} as const satisfies EventMap;
