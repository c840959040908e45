// What, where and how to install: the profile and its toggles, a kind cluster or a context, storage
// class, timeout, values overrides, the preflight checks, and Install (accepting the failed checks
// the person has seen).
import { useState } from 'react';
import { useStore } from '../../store/index.js';
import { ChartAcceptance, chartsToAccept } from './ChartAcceptance.js';
import { PreflightList } from './PreflightList.js';
import { RealityList, RealityProgressLine } from './RealityList.js';
import { ProfilePicker } from './ProfilePicker.js';

export function SetupCard({ hasJob }: { hasJob: boolean }) {
  const { form, preflight, preflightRunning, realityProgress, busy, clusters } = useStore((s) => s.stack);
  const contexts = useStore((s) => s.kube.contexts);
  const setForm = useStore((s) => s.setInstallForm);
  const runPreflight = useStore((s) => s.runPreflight);
  const install = useStore((s) => s.installStack);
  const loadProfiles = useStore((s) => s.loadProfiles);
  const [showValues, setShowValues] = useState(false);
  const failed = (preflight?.checks ?? []).filter((check) => check.status === 'fail');
  return (
    <section className="card" aria-label="Install the stack">
      <h2>{hasJob ? 'Install again' : 'Install the local stack'}</h2>
      <ProfilePicker />
      <div className="setup-grid">
        <fieldset>
          <legend>Cluster</legend>
          <label className="radio">
            <input type="radio" name="mode" checked={form.mode === 'kind'} onChange={() => setForm({ mode: 'kind' })} /> New or existing
            kind cluster
          </label>
          {form.mode === 'kind' && (
            <label className="field">
              <span>Cluster name</span>
              <input
                aria-label="kind cluster name"
                value={form.cluster}
                onChange={(event) => setForm({ cluster: event.target.value })}
                list="kind-clusters"
              />
              <datalist id="kind-clusters">
                {clusters?.clusters.map((name) => (
                  <option key={name} value={name} />
                ))}
              </datalist>
              {clusters && !clusters.kindAvailable && <span className="muted small">kind is not installed: see Prerequisites.</span>}
            </label>
          )}
          <label className="radio">
            <input
              type="radio"
              name="mode"
              checked={form.mode === 'existing'}
              onChange={() => setForm({ mode: 'existing', context: form.context || contexts?.current || '' })}
            />{' '}
            Existing cluster (a kubeconfig context)
          </label>
          {form.mode === 'existing' && (
            <label className="field">
              <span>Context</span>
              <select
                aria-label="Context to install into"
                value={form.context}
                onChange={(event) => setForm({ context: event.target.value })}
              >
                {(contexts?.contexts ?? []).map((context) => (
                  <option key={context.name} value={context.name}>
                    {context.name}
                  </option>
                ))}
              </select>
            </label>
          )}
        </fieldset>
        <fieldset>
          <legend>Options</legend>
          <label className="field">
            <span>Storage class</span>
            <input
              aria-label="Storage class"
              value={form.storageClass}
              onChange={(event) => setForm({ storageClass: event.target.value })}
            />
          </label>
          <label className="field">
            <span>Ready timeout per step</span>
            <input
              aria-label="Ready timeout per step"
              placeholder="20m"
              value={form.timeout}
              onChange={(event) => setForm({ timeout: event.target.value })}
            />
          </label>
          <button type="button" className="link" aria-expanded={showValues} onClick={() => setShowValues((open) => !open)}>
            {showValues ? 'Hide' : 'Values overrides (YAML)…'}
          </button>
          {showValues && (
            <textarea
              aria-label="Values overrides"
              className="mono values-editor"
              spellCheck={false}
              placeholder={'# global plus a section per chart, over the profile\nlogclaw-ingestion:\n  replicas: 1'}
              value={form.overrides}
              onChange={(event) => setForm({ overrides: event.target.value })}
              onBlur={() => void loadProfiles()}
            />
          )}
        </fieldset>
      </div>
      <div className="row-actions">
        <button type="button" onClick={() => void runPreflight()} disabled={preflightRunning}>
          {preflightRunning ? 'Checking…' : 'Run preflight'}
        </button>
        <button type="button" className="primary" onClick={() => void install()} disabled={busy}>
          {failed.length ? `Install anyway (${failed.length} failed check${failed.length > 1 ? 's' : ''} accepted)` : 'Install'}
        </button>
      </div>
      {preflightRunning && realityProgress && <RealityProgressLine progress={realityProgress} />}
      {preflight && <PreflightList report={preflight} />}
      {preflight && <ChartAcceptance charts={chartsToAccept(preflight.checks)} />}
      {preflight?.reality && <RealityList report={preflight.reality} />}
    </section>
  );
}
