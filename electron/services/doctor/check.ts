// The shape of one doctor check: a detector that reads real state, a plain explanation, and (where
// safe) a fix that changes the state; the service re-runs the detector after the fix.
import type { DoctorCheckId, DoctorStatus, Evidence, FixPlan } from '../../contract/doctor.js';
import type { DoctorEnv } from './env.js';

export interface Detection {
  status: DoctorStatus;
  summary: string;
  evidence?: Evidence[];
  /** Offered when the status is not ok. */
  fix?: FixPlan;
  /** What the fix needs from the detection (names, versions), not shown. */
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
