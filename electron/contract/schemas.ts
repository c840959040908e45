// Shapes shared by requests, responses and events. Pure data: no node, electron or react imports.
import { z } from 'zod';
import { httpUrl } from './define.js';
import { ERROR_CODES } from './errors.js';

/** The one shape of an error nested in a response or event: a code from the closed list, a message, a hint. */
export const ErrorCodeSchema = z.enum(ERROR_CODES);
export const ErrorInfo = z.object({ code: ErrorCodeSchema, message: z.string(), hint: z.string().optional() });
export type ErrorInfo = z.infer<typeof ErrorInfo>;

export const TOOL_NAMES = ['docker', 'podman', 'kind', 'helm', 'kubectl'] as const;
export const ToolName = z.enum(TOOL_NAMES);
export type ToolName = z.infer<typeof ToolName>;

export const ToolReport = z.object({
  name: ToolName,
  found: z.boolean(),
  path: z.string().nullable(),
  /** Where the binary was found: a path set in settings, PATH, or the app's bundled resources/bin. */
  source: z.enum(['settings', 'path', 'bundled']).nullable(),
  version: z.string().nullable(),
  /** The version the app is tested with (resources/tools.lock.json), or null when not pinned. */
  required: z.string().nullable(),
  ok: z.boolean(),
  hint: z.string().nullable(),
  /** Container runtimes only: can the daemon actually be reached? */
  daemon: z.object({ reachable: z.boolean(), message: z.string() }).nullable(),
});
export type ToolReport = z.infer<typeof ToolReport>;

const toolPath = z.string().trim().min(1).optional();

// distribution/reference's domain and path components: a mirror is a registry host (it has a "." or
// ":" or is localhost, or a runtime would read it as a Docker Hub path), an optional port and path.
const DOMAIN_PART = '(?:[a-z0-9]|[a-z0-9][a-z0-9-]*[a-z0-9])';
const IMAGE_MIRROR = new RegExp(
  `^(?:${DOMAIN_PART}(?:\\.${DOMAIN_PART})+(?::[0-9]+)?|${DOMAIN_PART}:[0-9]+|localhost)(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$`,
);

/** A registry host, optional port and path that replaces every image's registry: quay.io/strimzi/kafka → <mirror>/strimzi/kafka. */
export const ImageMirror = z
  .string()
  .trim()
  .regex(
    IMAGE_MIRROR,
    'an image mirror is a registry host with an optional port and path, lowercase, without https:// (registry.example.com:5000/mirror)',
  );

/** A Helm chart repository (http or https) that serves every operator chart of the plan under its own name and version. */
export const ChartRepoMirror = httpUrl('An operator chart repository mirror', 'https://charts.example.com/mirror/');

/** Where the install pulls from instead of the public registries and chart repositories. */
export const Mirrors = z.object({ images: ImageMirror.optional(), operatorCharts: ChartRepoMirror.optional() }).strict();
export type Mirrors = z.infer<typeof Mirrors>;
export const MIRROR_KEYS = ['images', 'operatorCharts'] as const;

export const Settings = z.object({
  schemaVersion: z.literal(1).default(1),
  theme: z.enum(['system', 'light', 'dark']).default('system'),
  /** Explicit binaries; when unset the app looks on PATH, then in its bundled resources/bin. */
  toolPaths: z.object({ docker: toolPath, podman: toolPath, kind: toolPath, helm: toolPath, kubectl: toolPath }).strict().default({}),
  /** Empty means kubectl's rules: $KUBECONFIG, else ~/.kube/config. */
  kubeconfig: z.string().optional(),
  context: z.string().optional(),
  tenant: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$/, 'a tenant id is a DNS label: lowercase letters, digits and "-"')
    .default('dev-local'),
  mirrors: Mirrors.default({}),
});
export type Settings = z.infer<typeof Settings>;

/** A settings change: any subset of fields; toolPaths and mirrors entries set to null are cleared. */
export const SettingsPatch = z
  .object({
    theme: Settings.shape.theme.unwrap().optional(),
    toolPaths: z.partialRecord(ToolName, z.string().trim().min(1).nullable()).optional(),
    kubeconfig: z.string().nullable().optional(),
    context: z.string().nullable().optional(),
    tenant: Settings.shape.tenant.unwrap().optional(),
    mirrors: z
      .object({ images: ImageMirror.nullable().optional(), operatorCharts: ChartRepoMirror.nullable().optional() })
      .strict()
      .optional(),
  })
  .strict();
export type SettingsPatch = z.infer<typeof SettingsPatch>;

export const Notice = z.object({
  id: z.string(),
  level: z.enum(['info', 'warn', 'error']),
  message: z.string(),
  hint: z.string().optional(),
});
export type Notice = z.infer<typeof Notice>;

export const AppInfo = z.object({
  version: z.string(),
  platform: z.string(),
  arch: z.string(),
  dataDir: z.string(),
  transport: z.enum(['ipc', 'http', 'cli']),
  notices: z.array(Notice),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const StepState = z.enum(['pending', 'running', 'done', 'failed', 'skipped', 'cancelled']);
export type StepState = z.infer<typeof StepState>;
export const JobState = z.enum(['running', 'succeeded', 'failed', 'cancelled', 'interrupted']);
export type JobState = z.infer<typeof JobState>;

export const JobStep = z.object({
  id: z.string(),
  title: z.string(),
  state: StepState,
  startedAt: z.number().optional(),
  endedAt: z.number().optional(),
  /** Latest real signal from the step (a helm line, a pod condition). */
  message: z.string().optional(),
  /** Equivalent command lines a person could type, for "copy as commands". */
  commands: z.array(z.string()).default([]),
});
export type JobStep = z.infer<typeof JobStep>;

export const JobFailure = ErrorInfo.extend({
  stepId: z.string(),
  detail: z.unknown().optional(),
  lastLines: z.array(z.string()),
});
export type JobFailure = z.infer<typeof JobFailure>;

export const Job = z.object({
  id: z.string(),
  kind: z.string(),
  title: z.string(),
  state: JobState,
  createdAt: z.number(),
  updatedAt: z.number(),
  /** The parameters the job was started with, so it can be resumed after a restart. */
  params: z.record(z.string(), z.unknown()),
  steps: z.array(JobStep),
  failure: z.optional(JobFailure),
});
export type Job = z.infer<typeof Job>;

export const JobLine = z.object({
  jobId: z.string(),
  stepId: z.string(),
  at: z.number(),
  stream: z.enum(['stdout', 'stderr', 'info']),
  text: z.string(),
});
export type JobLine = z.infer<typeof JobLine>;

export const KubeContexts = z.object({
  /** The kubeconfig files read, in kubectl's precedence order. */
  files: z.array(z.string()),
  current: z.string(),
  contexts: z.array(
    z.object({ name: z.string(), cluster: z.string(), user: z.string(), namespace: z.string().optional(), server: z.string().optional() }),
  ),
});
export type KubeContexts = z.infer<typeof KubeContexts>;
