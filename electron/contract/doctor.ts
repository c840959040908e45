// Doctor: the stack's known failure modes as checks (detector → explanation → one-click fix with the
// equivalent commands → re-check), the seed's step-5 verification as a health checklist, and a
// redacted support bundle.
import { z } from 'zod';
import type { ChannelMap, EventMap } from './define.js';
import { ErrorInfo, Settings } from './schemas.js';

const tenant = Settings.shape.tenant.unwrap();

export const DOCTOR_CHECK_IDS = [
  'strimzi-crds',
  'airflow-webserver-oom',
  'airflow-migrations',
  'opensearch-auth',
  'topology-zone',
  'opensearch-cluster-manager',
  'vector-kafka',
  'vm-max-map-count',
  'inotify',
  'helm-releases',
  'external-secrets',
  'pod-failures',
  'image-pulls',
] as const;
export const DoctorCheckId = z.enum(DOCTOR_CHECK_IDS);
export type DoctorCheckId = z.infer<typeof DoctorCheckId>;

export const DoctorStatus = z.enum(['ok', 'warn', 'fail']);
export type DoctorStatus = z.infer<typeof DoctorStatus>;

/** What the detector saw: events, log lines, resource status — the "why" behind the status. */
export const Evidence = z.object({
  /** Where it comes from: `pod/x events`, `pod/x logs (webserver)`, `crd/kafkas.kafka.strimzi.io`. */
  source: z.string(),
  lines: z.array(z.string()),
});
export type Evidence = z.infer<typeof Evidence>;

export const FixPlan = z.object({
  /** Button label: "Upgrade the Strimzi CRDs". */
  title: z.string(),
  /** What will change, named (the confirmation shows it). */
  changes: z.string(),
  /** The equivalent kubectl/helm/sysctl command lines (secrets never appear in them). */
  commands: z.array(z.string()),
  /** false: the fix needs the person (root on the host, a values change): the commands are shown, not run. */
  automatic: z.boolean(),
});
export type FixPlan = z.infer<typeof FixPlan>;

export const DoctorCheck = z.object({
  id: DoctorCheckId,
  title: z.string(),
  status: DoctorStatus,
  /** What was found, in one line. */
  summary: z.string(),
  /** What the failure is and why it happens, in plain words. */
  explanation: z.string(),
  evidence: z.array(Evidence),
  fix: FixPlan.optional(),
  checkedAt: z.number(),
  durationMs: z.number(),
});
export type DoctorCheck = z.infer<typeof DoctorCheck>;

export const HealthItem = z.object({
  id: z.enum(['pods', 'kafka', 'opensearch', 'releases']),
  title: z.string(),
  status: DoctorStatus,
  summary: z.string(),
  /** Per-resource lines (pod phases, release statuses). */
  details: z.array(z.string()),
  /** The seed's command for the same verification. */
  command: z.string(),
});
export type HealthItem = z.infer<typeof HealthItem>;

export const HealthReport = z.object({
  tenant: z.string(),
  namespace: z.string(),
  context: z.string().nullable(),
  items: z.array(HealthItem),
  checkedAt: z.number(),
});
export type HealthReport = z.infer<typeof HealthReport>;

export const DoctorReport = z.object({
  tenant: z.string(),
  namespace: z.string(),
  context: z.string().nullable(),
  /** The cluster could not be reached: cluster checks say so (host checks still run). */
  error: ErrorInfo.optional(),
  checks: z.array(DoctorCheck),
  checkedAt: z.number(),
});
export type DoctorReport = z.infer<typeof DoctorReport>;

export const FixResult = z.object({
  id: DoctorCheckId,
  /** What was done, one line each (commands run, objects changed). */
  applied: z.array(z.string()),
  before: DoctorCheck,
  /** The re-check after the fix. */
  after: DoctorCheck,
});
export type FixResult = z.infer<typeof FixResult>;

export const BundleResult = z.object({
  path: z.string(),
  bytes: z.number(),
  files: z.array(z.string()),
  /** How many values were replaced by "[REDACTED]". */
  redactions: z.number(),
});
export type BundleResult = z.infer<typeof BundleResult>;

const byTenant = z.object({ tenant: tenant.optional() }).strict();

export const doctorChannels = {
  'doctor:run': {
    request: byTenant
      .extend({ only: z.array(DoctorCheckId).optional() })
      .strict()
      .default({}),
    response: DoctorReport,
  },
  'doctor:fix': {
    request: byTenant.extend({ id: DoctorCheckId, /** The check id typed back: the confirmation. */ confirm: z.string() }).strict(),
    response: FixResult,
  },
  'doctor:health': { request: byTenant.default({}), response: HealthReport },
  'doctor:bundle': {
    request: byTenant
      .extend({ out: z.string().min(1).optional() })
      .strict()
      .default({}),
    response: BundleResult,
  },
} as const satisfies ChannelMap;

export const doctorEvents = {
  /** A doctor run or fix finished: the nav badge and the pane refresh from it. */
  'doctor:report': DoctorReport,
} as const satisfies EventMap;
