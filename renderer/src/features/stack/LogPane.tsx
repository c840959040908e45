import { useEffect, useRef, useState } from 'react';
import type { JobStep } from '#contract/index.js';
import { useStore } from '../../store/index.js';

/** The job's output, of the selected step or of all steps, scrolled to the newest line; kept after a failure. */
export function LogPane({ jobId, stepId, steps }: { jobId: string; stepId: string | null; steps: JobStep[] }) {
  const { lines, logJobId } = useStore((s) => s.stack);
  const loadLog = useStore((s) => s.loadStackLog);
  const [all, setAll] = useState(false);
  const ref = useRef<HTMLPreElement>(null);
  useEffect(() => {
    if (logJobId !== jobId) void loadLog(jobId);
  }, [jobId, logJobId, loadLog]);
  const shown = all || !stepId ? lines : lines.filter((line) => line.stepId === stepId);
  const visible = shown.slice(-2000);
  useEffect(() => {
    const pre = ref.current;
    if (pre) pre.scrollTop = pre.scrollHeight;
  }, [visible.length, stepId]);
  const title = steps.find((step) => step.id === stepId)?.title;
  return (
    <section className="log-pane" aria-label="Step log">
      <header className="log-header small">
        <span>
          {all || !stepId ? 'All steps' : title} · showing {visible.length} of {shown.length} lines
        </span>
        <label>
          <input type="checkbox" checked={all} onChange={(event) => setAll(event.target.checked)} /> all steps
        </label>
      </header>
      <pre ref={ref} className="mono log" aria-label="Log lines">
        {visible.map((line, index) => (
          <div key={index} className={line.stream === 'stderr' ? 'stderr' : undefined}>
            {all ? <span className="muted">[{line.stepId}] </span> : null}
            {line.text}
          </div>
        ))}
        {visible.length === 0 && <span className="muted">No output yet.</span>}
      </pre>
    </section>
  );
}
