// The shape of one doctor check: a detector that reads real state, a plain explanation, and (where
// safe) a fix that changes the state; the service re-runs the detector after the fix.
import type { DoctorCheckId, DoctorStatus, Evidence, FixPlan } from '#contract/doctor.js';
import { type Shown, renderShown } from '../stack/ops/shown.js';
import type { DoctorEnv } from './env.js';

/**
 * A fix as its check plans it. An automatic fix shows what it will run (the command values its
 * fix() runs, built once by the detector) and the kubectl equivalents of what it does through the
 * API; a fix by hand shows the lines for the person to type.
 */
export type FixSpec = { title: string; changes: string } & ({ automatic: true; shown: Shown[] } | { automatic: false; commands: string[] });

export interface Detection {
  status: DoctorStatus;
  summary: string;
  evidence?: Evidence[];
  /** Offered when the status is not ok. */
  fix?: FixSpec;
  /** What the fix needs from the detection (names, versions, the commands it runs), not shown. */
  data?: unknown;
}

export interface CheckDefinition {
  id: DoctorCheckId;
  title: string;
  explanation: string;
  /** Needs the cluster (false: host settings only). */
  cluster: boolean;
  detect(env: DoctorEnv): Promise<Detection>;
  /** Applies the fix of a detection whose fix is automatic; returns what it did, one line each. */
  fix?(env: DoctorEnv, detection: Detection, line: (text: string) => void): Promise<void>;
  /** How long the re-check may wait for controllers to act on the fix (default 20 s). */
  settleMs?: number;
}

export const ok = (summary: string, evidence: Evidence[] = []): Detection => ({ status: 'ok', summary, evidence });

export function renderFix(fix: FixSpec): FixPlan {
  return {
    title: fix.title,
    changes: fix.changes,
    commands: fix.automatic ? fix.shown.map(renderShown) : fix.commands,
    automatic: fix.automatic,
  };
}
