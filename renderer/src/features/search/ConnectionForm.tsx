// Where OpenSearch is: a URL, optional basic auth, TLS trust (CA file or insecure). Saved in the
// app's data folder; the password is never sent back to the UI.
import { useState } from 'react';
import type { ConnectionView } from '#contract/search.js';
import { useStore } from '../../store/index.js';

export function ConnectionForm({ connection, onDone }: { connection: ConnectionView | null; onDone?(): void }) {
  const save = useStore((s) => s.saveSearchConnection);
  const [url, setUrl] = useState(connection?.url ?? 'http://localhost:9200');
  const [username, setUsername] = useState(connection?.username ?? '');
  const [password, setPassword] = useState('');
  const [caFile, setCaFile] = useState(connection?.caFile ?? '');
  const [insecure, setInsecure] = useState(connection?.insecure ?? false);
  const [busy, setBusy] = useState(false);
  const https = url.trim().startsWith('https:');
  return (
    <form
      className="sr-connection"
      aria-label="OpenSearch connection"
      onSubmit={(event) => {
        event.preventDefault();
        setBusy(true);
        void save({
          url: url.trim(),
          ...(username.trim() ? { username: username.trim() } : {}),
          // Empty keeps a saved password for the same URL and user.
          ...(password ? { password } : {}),
          ...(caFile.trim() ? { caFile: caFile.trim() } : {}),
          insecure,
        })
          .then((saved) => saved && onDone?.())
          .finally(() => setBusy(false));
      }}
    >
      <label className="sr-connection-url">
        <span>URL</span>
        <input
          aria-label="OpenSearch URL"
          className="mono"
          required
          value={url}
          onChange={(event) => setUrl(event.target.value)}
          placeholder="http://localhost:9200"
        />
      </label>
      <label>
        <span>User</span>
        <input
          aria-label="User"
          autoComplete="username"
          value={username}
          onChange={(event) => setUsername(event.target.value)}
          placeholder="none"
        />
      </label>
      <label>
        <span>Password</span>
        <input
          aria-label="Password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          placeholder={connection?.hasPassword ? 'saved – empty keeps it' : 'none'}
        />
      </label>
      {https && (
        <>
          <label className="sr-connection-url">
            <span>CA file</span>
            <input
              aria-label="CA file"
              className="mono"
              value={caFile}
              onChange={(event) => setCaFile(event.target.value)}
              placeholder="/path/to/ca.pem (the cluster's CA)"
            />
          </label>
          <label className="sr-check">
            <input
              type="checkbox"
              aria-label="Skip TLS verification (insecure)"
              checked={insecure}
              onChange={(event) => setInsecure(event.target.checked)}
            />
            <span>Skip TLS verification (insecure, dev clusters only)</span>
          </label>
        </>
      )}
      <div className="sr-connection-actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Connecting…' : 'Save and connect'}
        </button>
        {connection && (
          <button type="button" onClick={() => void save(null).then(() => onDone?.())}>
            Forget connection
          </button>
        )}
        {onDone && (
          <button type="button" onClick={onDone}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
