import { useEffect, useState } from 'react';
import { CopyButton } from '../../components/CopyButton.js';
import { useStore } from '../../store/index.js';

/** The dev secrets generated for this tenant, hidden until shown, each with copy. */
export function SecretsPanel() {
  const secrets = useStore((s) => s.stack.secrets);
  const load = useStore((s) => s.loadStackSecrets);
  const [shown, setShown] = useState<Set<string>>(new Set());
  useEffect(() => {
    void load();
  }, [load]);
  if (!secrets || secrets.length === 0) return null;
  return (
    <section className="card" aria-label="Dev secrets">
      <h2>
        Dev secrets <span className="muted small">generated for this tenant, kept in the app's data folder</span>
      </h2>
      <table className="table" aria-label="Dev secrets">
        <tbody>
          {secrets.map((secret) => {
            const id = `${secret.secret}/${secret.key}`;
            return (
              <tr key={id}>
                <td className="small">{secret.purpose}</td>
                <td className="mono small">{id}</td>
                <td className="mono small">{shown.has(id) ? secret.value : '••••••••'}</td>
                <td>
                  <div className="row-actions">
                    <button
                      type="button"
                      className="link"
                      aria-label={`${shown.has(id) ? 'Hide' : 'Show'} ${secret.purpose}`}
                      onClick={() => setShown((set) => new Set(set.has(id) ? [...set].filter((x) => x !== id) : [...set, id]))}
                    >
                      {shown.has(id) ? 'Hide' : 'Show'}
                    </button>
                    <CopyButton className="link" aria-label={`Copy ${secret.purpose}`} text={secret.value} label="Copy" />
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
