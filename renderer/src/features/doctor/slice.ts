// Doctor pane state: the last report (also pushed by `doctor:report` after runs and fixes, which
// feeds the nav badge), the live health checklist, the fix in progress and its result, the bundle.
import type { StateCreator } from 'zustand';
import type { BundleResult, DoctorCheckId, DoctorReport, FixResult, HealthReport } from '#contract/doctor.js';
import type { ErrorPayload } from '#contract/index.js';
import { invoke } from '../../bridge.js';
import { attempt, patcherFor } from '../../store/slice-helpers.js';
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

export const createDoctorSlice: StateCreator<Store, [], [], DoctorSlice> = (set) => {
  const patch = patcherFor(set, 'doctor');
  return {
    doctor: {
      report: null,
      status: 'idle',
      lastError: null,
      health: null,
      healthStatus: 'idle',
      fixing: null,
      fixResults: {},
      fixErrors: {},
      bundle: null,
      bundling: false,
    },
    async runDoctor(only) {
      patch({ status: 'loading' });
      await attempt(
        async () => {
          const report = await invoke('doctor:run', only ? { only } : {});
          // A re-check of some checks replaces those in the report and keeps the others.
          patch((doctor) => ({
            status: 'ready',
            lastError: null,
            report:
              only && doctor.report
                ? {
                    ...doctor.report,
                    checks: doctor.report.checks.map((c) => report.checks.find((r) => r.id === c.id) ?? c),
                    checkedAt: report.checkedAt,
                  }
                : report,
          }));
        },
        (lastError) => patch({ status: 'error', lastError }),
      );
    },
    async loadHealth() {
      patch((doctor) => ({ healthStatus: doctor.health ? doctor.healthStatus : 'loading' }));
      await attempt(
        async () => {
          const health = await invoke('doctor:health', {});
          patch({ health, healthStatus: 'ready' });
        },
        (lastError) => patch({ healthStatus: 'error', lastError }),
      );
    },
    async fixCheck(id) {
      patch((doctor) => {
        const fixErrors = { ...doctor.fixErrors };
        delete fixErrors[id];
        return { fixing: id, fixErrors };
      });
      await attempt(
        async () => {
          const result = await invoke('doctor:fix', { id, confirm: id });
          patch((doctor) => ({
            fixing: null,
            fixResults: { ...doctor.fixResults, [id]: result },
            report: doctor.report
              ? { ...doctor.report, checks: doctor.report.checks.map((c) => (c.id === id ? result.after : c)) }
              : doctor.report,
          }));
        },
        (error) => patch((doctor) => ({ fixing: null, fixErrors: { ...doctor.fixErrors, [id]: error } })),
      );
    },
    async writeBundle() {
      patch({ bundling: true });
      await attempt(
        async () => {
          const bundle = await invoke('doctor:bundle', {});
          patch({ bundle, bundling: false });
        },
        (lastError) => patch({ bundling: false, lastError }),
      );
    },
    doctorReport(report) {
      patch({ report });
    },
  };
};

/** How many checks warn or fail (the nav badge). */
export function doctorProblems(report: DoctorReport | null): { warn: number; fail: number } {
  return {
    warn: report?.checks.filter((c) => c.status === 'warn').length ?? 0,
    fail: report?.checks.filter((c) => c.status === 'fail').length ?? 0,
  };
}
