// The installed stack: Helm releases (operators and tenant), pods grouped by component, dev secrets.
import type { StackStatus } from '#contract/stack.js';
import { RelativeTime } from '../../components/RelativeTime.js';
import { StatusDot, type Tone } from '../../components/StatusDot.js';
import { SecretsPanel } from './SecretsPanel.js';

function releaseTone(status: string): Tone {
  if (status === 'deployed') return 'ok';
  if (status === 'not installed') return 'idle';
  if (status.startsWith('pending')) return 'busy';
  return 'fail';
}

export function Overview({ status }: { status: StackStatus }) {
  const rows = [
    ...status.operators.map((release) => ({ ...release, group: 'operator' })),
    ...status.releases.map((release) => ({ ...release, group: 'tenant' })),
  ];
  return (
    <div className="overview">
      <section className="card" aria-label="Releases">
        <h2>
          Releases{' '}
          <span className="muted small">
            checked <RelativeTime at={status.checkedAt} />
          </span>
        </h2>
        <table className="table" aria-label="Helm releases">
          <thead>
            <tr>
              <th scope="col">Release</th>
              <th scope="col">Namespace</th>
              <th scope="col">Status</th>
              <th scope="col">Chart version</th>
              <th scope="col" className="num">
                Rev
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((release) => (
              <tr key={`${release.namespace}/${release.release}`} data-release={release.release} data-status={release.status}>
                <th scope="row">
                  {release.release} {release.group === 'operator' && <span className="tag">operator</span>}
                </th>
                <td className="mono small">{release.namespace}</td>
                <td>
                  <StatusDot tone={releaseTone(release.status)} /> {release.status}
                </td>
                <td className="mono small">{release.chartVersion ?? '–'}</td>
                <td className="num">{release.revision ?? '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="card" aria-label="Pods by component">
        <h2>Pods</h2>
        {status.components.length === 0 ? (
          <p className="muted">No pods in {status.namespace} yet.</p>
        ) : (
          <table className="table" aria-label="Pods">
            <tbody>
              {status.components.map((component) => {
                const ready = component.pods.filter(
                  (pod) => pod.phase === 'Succeeded' || (pod.phase === 'Running' && pod.ready === pod.containers),
                ).length;
                return [
                  <tr key={component.name} className="group-row">
                    <th scope="rowgroup" colSpan={3}>
                      <StatusDot tone={ready === component.pods.length ? 'ok' : 'warn'} /> {component.name}{' '}
                      <span className="muted small">
                        {ready}/{component.pods.length} ready
                      </span>
                    </th>
                  </tr>,
                  ...component.pods.map((pod) => (
                    <tr key={pod.name} data-pod={pod.name}>
                      <td className="mono small">{pod.name}</td>
                      <td className="num mono small">
                        {pod.ready}/{pod.containers}
                      </td>
                      <td className="small">
                        {pod.reason ?? pod.phase}
                        {pod.restarts > 0 ? ` · ${pod.restarts} restarts` : ''}
                      </td>
                    </tr>
                  )),
                ];
              })}
            </tbody>
          </table>
        )}
      </section>
      <SecretsPanel />
    </div>
  );
}
