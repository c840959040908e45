// logclaw doctor [--json] | doctor --fix <id> | bundle [--out FILE]
import { AppError } from '#contract/index.js';
import { DOCTOR_CHECK_IDS, type DoctorCheck, type DoctorCheckId, DoctorCheckId as CheckIdSchema } from '#contract/doctor.js';
import type { Command } from '../command.js';

const ICON: Record<DoctorCheck['status'], string> = { ok: '✓', warn: '!', fail: '✗' };

function checkId(value: string): DoctorCheckId {
  const parsed = CheckIdSchema.safeParse(value);
  if (!parsed.success)
    throw new AppError('INVALID_REQUEST', `Unknown check "${value}"`, { hint: `Checks: ${DOCTOR_CHECK_IDS.join(', ')}` });
  return parsed.data;
}

function printCheck(out: (text: string) => void, check: DoctorCheck, verbose: boolean): void {
  out(`${ICON[check.status]} ${check.id.padEnd(28)} ${check.summary}`);
  if (check.status === 'ok' && !verbose) return;
  if (verbose) out(`    ${check.explanation}`);
  for (const evidence of check.evidence) {
    out(`    ${evidence.source}:`);
    for (const line of evidence.lines.slice(-8)) out(`      ${line}`);
  }
  if (check.fix) {
    out(
      `    fix: ${check.fix.title}${check.fix.automatic ? ` — run \`logclaw doctor --fix ${check.id}\`` : ' (by hand)'}: ${check.fix.changes}`,
    );
    for (const command of check.fix.commands) out(`      $ ${command}`);
  }
}

export const doctorCommands: Record<string, Command> = {
  doctor: {
    usage: 'logclaw doctor [--json] [--only ID,...] [--verbose] | logclaw doctor --fix <id> [--json] | logclaw doctor --health [--json]',
    options: {
      fix: { type: 'string', description: 'apply the fix of this check (this flag is the confirmation), then re-check', placeholder: 'ID' },
      only: { type: 'string', description: 'run only these checks (comma-separated ids)', placeholder: 'ID,...' },
      health: { type: 'boolean', description: "the seed's step-5 verification: pods, Kafka, OpenSearch, releases" },
      verbose: { type: 'boolean', short: 'v', description: 'explanations and the evidence of passing checks too' },
    },
    async run(ctx) {
      const { io, json, values } = ctx;
      if (typeof values.fix === 'string') {
        const id = checkId(values.fix);
        return ctx.withBackend('cli', async (backend) => {
          if (!json) io.err(`Fixing ${id}…`);
          const result = await backend.call('doctor:fix', { id, confirm: id });
          if (json) io.out(JSON.stringify(result, null, 2));
          else {
            for (const line of result.applied) io.out(`  • ${line}`);
            io.out('Re-check:');
            printCheck(io.out, result.after, false);
          }
          return result.after.status === 'ok' ? 0 : 1;
        });
      }
      if (values.health) {
        return ctx.withBackend('cli', async (backend) => {
          const report = await backend.call('doctor:health', {});
          if (json) io.out(JSON.stringify(report, null, 2));
          else {
            io.out(`Health of ${report.namespace} (context ${report.context ?? 'none'}):`);
            for (const item of report.items) {
              io.out(`${ICON[item.status]} ${item.title.padEnd(18)} ${item.summary}`);
              if (item.status !== 'ok' || values.verbose) for (const detail of item.details) io.out(`      ${detail}`);
            }
          }
          return report.items.some((item) => item.status === 'fail') ? 1 : 0;
        });
      }
      const only = typeof values.only === 'string' ? values.only.split(',').map((id) => checkId(id.trim())) : undefined;
      return ctx.withBackend('cli', async (backend) => {
        const report = await backend.call('doctor:run', only ? { only } : {});
        if (json) {
          io.out(
            JSON.stringify(
              report.checks.map((check) => ({
                id: check.id,
                status: check.status,
                summary: check.summary,
                ...(check.fix ? { fix: check.fix } : {}),
              })),
              null,
              2,
            ),
          );
        } else {
          if (report.error) io.err(`warning: ${report.error.message}${report.error.hint ? ` (${report.error.hint})` : ''}`);
          io.out(`Doctor for ${report.namespace} (context ${report.context ?? 'none'}):`);
          for (const check of report.checks) printCheck(io.out, check, values.verbose === true);
          const counts = { ok: 0, warn: 0, fail: 0 };
          for (const check of report.checks) counts[check.status]++;
          io.out(`${counts.ok} ok, ${counts.warn} warning(s), ${counts.fail} failing.`);
        }
        return report.checks.some((check) => check.status === 'fail') ? 1 : 0;
      });
    },
  },
  bundle: {
    usage: 'logclaw bundle [--out FILE] [--json]',
    options: {
      out: { type: 'string', description: "where to write the zip (default: the app's data folder, bundles/)", placeholder: 'FILE' },
    },
    async run(ctx) {
      return ctx.withBackend('cli', async (backend) => {
        const result = await backend.call('doctor:bundle', typeof ctx.values.out === 'string' ? { out: ctx.values.out } : {});
        if (ctx.json) ctx.io.out(JSON.stringify(result, null, 2));
        else
          ctx.io.out(
            `Wrote ${result.path} (${Math.round(result.bytes / 1024)} KiB, ${result.files.length} files, ${result.redactions} values redacted). Review it before sharing.`,
          );
        return 0;
      });
    },
  },
};
