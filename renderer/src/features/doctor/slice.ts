// Doctor pane state: the last report (also pushed by `doctor:report` after runs and fixes, which
// feeds the nav badge), the live health checklist, the fix in progress and its result, the bundle.
import type { StateCreator } from 'zustand';
import type { BundleResult, DoctorCheckId, DoctorReport, FixResult, HealthReport } from '../../../../electron/contract/doctor.js';
import type { ErrorPayload } from '../../../../electron/contract/index.js';
import { toErrorPayload } from '../../../../electron/contract/index.js';
import { invoke } from '../../bridge.js';
import type { Status, Store } from '../../store/index.js';

export interface DoctorSlice {
  doctor: {
    report: DoctorReport | null;
    status: Status;
    lastError: ErrorPayload | null;
    health: HealthReport | null;
    healthStatus: Status;
    /** The check whose fix runs now. */
    fixing: DoctorCheckId | null;
    fixResults: Partial<Record<DoctorCheckId, FixResult>>;
    fixErrors: Partial<Record<DoctorCheckId, ErrorPayload>>;
    bundle: BundleResult | null;
    bundling: boolean;
  };
  runDoctor(only?: DoctorCheckId[]): Promise<void>;
  loadHealth(): Promise<void>;
  fixCheck(id: DoctorCheckId): Promise<void>;
  writeBundle(): Promise<void>;
  doctorReport(report: DoctorReport): void;
}

export const createDoctorSlice: StateCreator<Store, [], [], DoctorSlice> = (set) => ({
  doctor: { report: null, status: 'idle', lastError: null, health: null, healthStatus: 'idle', fixing: null, fixResults: {}, fixErrors: {}, bundle: null, bundling: false },
  async runDoctor(only) {
    set((s) => ({ doctor: { ...s.doctor, status: 'loading' } }));
    try {
      const report = await invoke('doctor:run', only ? { only } : {});
      set((s) => ({
        doctor: {
          ...s.doctor,
          status: 'ready',
          lastError: null,
          report: only && s.doctor.report ? { ...s.doctor.report, checks: s.doctor.report.checks.map((c) => report.checks.find((r) => r.id === c.id) ?? c), checkedAt: report.checkedAt } : report,
        },
      }));
    } catch (error) {
      set((s) => ({ doctor: { ...s.doctor, status: 'error', lastError: toErrorPayload(error) } }));
    }
  },
  async loadHealth() {
    set((s) => ({ doctor: { ...s.doctor, healthStatus: s.doctor.health ? s.doctor.healthStatus : 'loading' } }));
    try {
      const health = await invoke('doctor:health', {});
      set((s) => ({ doctor: { ...s.doctor, health, healthStatus: 'ready' } }));
    } catch (error) {
      set((s) => ({ doctor: { ...s.doctor, healthStatus: 'error', lastError: toErrorPayload(error) } }));
    }
  },
  async fixCheck(id) {
    set((s) => {
      const fixErrors = { ...s.doctor.fixErrors };
      delete fixErrors[id];
      return { doctor: { ...s.doctor, fixing: id, fixErrors } };
    });
    try {
      const result = await invoke('doctor:fix', { id, confirm: id });
      set((s) => ({
        doctor: {
          ...s.doctor,
          fixing: null,
          fixResults: { ...s.doctor.fixResults, [id]: result },
          report: s.doctor.report ? { ...s.doctor.report, checks: s.doctor.report.checks.map((c) => (c.id === id ? result.after : c)) } : s.doctor.report,
        },
      }));
    } catch (error) {
      set((s) => ({ doctor: { ...s.doctor, fixing: null, fixErrors: { ...s.doctor.fixErrors, [id]: toErrorPayload(error) } } }));
    }
  },
  async writeBundle() {
    set((s) => ({ doctor: { ...s.doctor, bundling: true } }));
    try {
      const bundle = await invoke('doctor:bundle', {});
      set((s) => ({ doctor: { ...s.doctor, bundle, bundling: false } }));
    } catch (error) {
      set((s) => ({ doctor: { ...s.doctor, bundling: false, lastError: toErrorPayload(error) } }));
    }
  },
  doctorReport(report) {
    set((s) => ({ doctor: { ...s.doctor, report } }));
  },
});

/** How many checks warn or fail (the nav badge). */
export function doctorProblems(report: DoctorReport | null): { warn: number; fail: number } {
  return { warn: report?.checks.filter((c) => c.status === 'warn').length ?? 0, fail: report?.checks.filter((c) => c.status === 'fail').length ?? 0 };
}
