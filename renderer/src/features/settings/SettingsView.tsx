import { useState } from 'react';
import type { Settings } from '#contract/index.js';
import { ErrorLine } from '../../components/ErrorLine.js';
import { useStore } from '../../store/index.js';

export function SettingsView() {
  const { value, lastError } = useStore((s) => s.settings);
  const info = useStore((s) => s.info);
  if (!value)
    return (
      <section className="view">
        <h1>Settings</h1>
        <p className="muted">Loading…</p>
      </section>
    );
  return (
    <section className="view" aria-labelledby="settings-title">
      <header className="view-header">
        <h1 id="settings-title">Settings</h1>
      </header>
      {lastError && <ErrorLine error={lastError} />}
      <SettingsForm key={JSON.stringify(value)} value={value} />
      {info && (
        <p className="muted small">
          Data folder: <span className="mono">{info.dataDir}</span>
        </p>
      )}
    </section>
  );
}

function SettingsForm({ value }: { value: Settings }) {
  const updateSettings = useStore((s) => s.updateSettings);
  const [tenant, setTenant] = useState(value.tenant);
  const [kubeconfig, setKubeconfig] = useState(value.kubeconfig ?? '');
  const [context, setContext] = useState(value.context ?? '');
  const [imageMirror, setImageMirror] = useState(value.mirrors.images ?? '');
  const [chartMirror, setChartMirror] = useState(value.mirrors.operatorCharts ?? '');
  return (
    <form
      className="form"
      onSubmit={(event) => {
        event.preventDefault();
        void updateSettings({
          tenant,
          kubeconfig: kubeconfig.trim() || null,
          context: context.trim() || null,
          mirrors: { images: imageMirror.trim() || null, operatorCharts: chartMirror.trim() || null },
        });
      }}
    >
      <label>
        Theme
        <select
          aria-label="Theme"
          value={value.theme}
          onChange={(event) => void updateSettings({ theme: event.target.value as Settings['theme'] })}
        >
          <option value="system">Follow the system</option>
          <option value="light">Light</option>
          <option value="dark">Dark</option>
        </select>
      </label>
      <label>
        Tenant id
        <input aria-label="Tenant id" value={tenant} onChange={(event) => setTenant(event.target.value)} />
        <span className="muted small">The stack installs into namespace logclaw-{tenant || '…'}</span>
      </label>
      <label>
        Kubeconfig
        <input
          aria-label="Kubeconfig"
          placeholder="$KUBECONFIG or ~/.kube/config"
          value={kubeconfig}
          onChange={(event) => setKubeconfig(event.target.value)}
        />
      </label>
      <label>
        Context
        <input
          aria-label="Context"
          placeholder="the kubeconfig's current context"
          value={context}
          onChange={(event) => setContext(event.target.value)}
        />
      </label>
      <fieldset>
        <legend>Mirrors</legend>
        <label>
          Image mirror
          <input
            aria-label="Image mirror"
            placeholder="registry.example.com:5000/mirror"
            value={imageMirror}
            onChange={(event) => setImageMirror(event.target.value)}
          />
          <span className="muted small">
            Replaces the registry of every image the stack and its operators pull: quay.io/strimzi/kafka becomes{' '}
            {imageMirror.trim() || '<mirror>'}/strimzi/kafka. Empty: the images&apos; own registries.
          </span>
        </label>
        <label>
          Operator chart repository
          <input
            aria-label="Operator chart repository"
            placeholder="https://charts.example.com/mirror/"
            value={chartMirror}
            onChange={(event) => setChartMirror(event.target.value)}
          />
          <span className="muted small">
            A Helm repository that serves every operator chart (cert-manager, Strimzi, …) under its own name and version; the pinned digests
            still apply. Empty: each chart&apos;s own repository.
          </span>
        </label>
      </fieldset>
      <div>
        <button type="submit">Save settings</button>
      </div>
    </form>
  );
}
