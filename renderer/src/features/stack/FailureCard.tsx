// What failed, why (the resources' and pods' own story: events, log tails, stderr), and what to do:
// retry, skip (when nothing depends on the step), the doctor, or copy the commands.
import type { Job } from '#contract/index.js';
import { type Diagnosis, FailureDetail, PreflightReport, type StepInfo } from '#contract/stack.js';
import { CopyButton } from '../../components/CopyButton.js';
import { useStore } from '../../store/index.js';
import { ChartAcceptance, chartsToAccept } from './ChartAcceptance.js';
import { PreflightList } from './PreflightList.js';

export function FailureCard({ job, info }: { job: Job; info: StepInfo | undefined }) {
  const failure = job.failure!;
  const resume = useStore((s) => s.resumeStack);
  const setView = useStore((s) => s.setView);
  const busy = useStore((s) => s.stack.busy);
  const step = job.steps.find((candidate) => candidate.id === failure.stepId);
  const detail = FailureDetail.safeParse(failure.detail);
  const diagnosis: Diagnosis | undefined = detail.success ? detail.data.diagnosis : undefined;
  const preflight = PreflightReport.safeParse((failure.detail as { preflight?: unknown } | undefined)?.preflight);
  const commands = [...new Set([...(info?.commands ?? []), ...(step?.commands ?? [])])];
  return (
    <section className="failure-card" role="alert" aria-label="Failure">
      <h3>
        {step?.title ?? failure.stepId} failed <code className="code">{failure.code}</code>
      </h3>
      <p>
        <strong>{failure.message}</strong>
      </p>
      {failure.hint && <p className="hint">{failure.hint}</p>}
      <ChartAcceptance
        charts={[
          ...(detail.success ? (detail.data.accept ?? []) : []),
          ...(preflight.success ? chartsToAccept(preflight.data.checks) : []),
        ]}
      />
      {preflight.success && (
        <PreflightList
          report={{
            ...preflight.data,
            checks: preflight.data.checks.filter((check) => check.status === 'fail' || check.status === 'warn'),
          }}
        />
      )}
      {diagnosis && (
        <div className="diagnosis">
          {diagnosis.resources.map((resource) => (
            <div key={`${resource.kind}/${resource.name}`} className="small">
              <strong>
                {resource.kind.toLowerCase()}/{resource.name}
              </strong>
              : {resource.message}
            </div>
          ))}
          {diagnosis.pods.map((pod) => (
            <div key={pod.name} className="pod-story" data-pod={pod.name}>
              <div className="small">
                pod <strong className="mono">{pod.name}</strong> {pod.phase}
                {pod.reasons.length > 0 && <> · {pod.reasons.join('; ')}</>}
              </div>
              {pod.events.length > 0 && (
                <table className="table events" aria-label={`Events of ${pod.name}`}>
                  <tbody>
                    {pod.events.map((event, index) => (
                      <tr key={index}>
                        <td className="small">{event.type}</td>
                        <td className="small">{event.reason}</td>
                        <td className="small">
                          {event.message}
                          {event.count > 1 ? ` (×${event.count})` : ''}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
              {pod.logTail.length > 0 && <pre className="mono log-tail">{pod.logTail.join('\n')}</pre>}
            </div>
          ))}
          {diagnosis.events.map((event, index) => (
            <div key={index} className="small">
              {event.object} {event.type} {event.reason}: {event.message}
            </div>
          ))}
        </div>
      )}
      {detail.success && detail.data.stderrTail && detail.data.stderrTail.length > 0 && (
        <pre className="mono log-tail">{detail.data.stderrTail.join('\n')}</pre>
      )}
      <div className="row-actions">
        <button type="button" className="primary" onClick={() => void resume()} disabled={busy}>
          Retry step
        </button>
        {info?.skippable && (
          <button type="button" onClick={() => void resume([failure.stepId])} disabled={busy} title="Nothing else depends on this step">
            Skip step
          </button>
        )}
        <button type="button" onClick={() => setView('doctor')}>
          Open Doctor
        </button>
        {commands.length > 0 && <CopyButton text={commands.join('\n')} label="Copy commands" />}
        <CopyButton text={JSON.stringify(failure, null, 2)} label="Copy details" />
      </div>
    </section>
  );
}
