// The install's profile: each one with a bar per resource (its charts' summed requests, solid, and
// limits, light, against what docker/podman or the cluster has, a line), the chosen profile's
// toggles changing the totals as they are clicked (one backend call; the backend keeps renders).
import { useEffect } from 'react';
import { formatBytes, formatCpu } from '#contract/format.js';
import type { Footprint, ProfileInfo, ProfilesReport } from '#contract/stack.js';
import type { Tone } from '../../components/StatusDot.js';
import { useStore } from '../../store/index.js';

type Capacity = ProfilesReport['capacity'];
type Resource = keyof Footprint;

const RESOURCES: Array<{ key: Resource; label: string; format: (n: number) => string }> = [
  { key: 'memoryBytes', label: 'Memory', format: formatBytes },
  { key: 'cpuMillis', label: 'CPU', format: (n) => `${formatCpu(n)} CPU` },
];

/** The preflight's verdict on the requests: room to spare (a quarter more), tight, or not enough. */
function fit(requests: number, capacity: number | undefined): Tone {
  if (capacity === undefined) return 'idle';
  if (requests * 1.25 <= capacity) return 'ok';
  return requests <= capacity ? 'warn' : 'fail';
}

const percent = (value: number, scale: number) => `${Math.min(100, (value / scale) * 100).toFixed(2)}%`;

function Bar({
  profile,
  resource,
  capacity,
  scale,
}: {
  profile: ProfileInfo;
  resource: (typeof RESOURCES)[number];
  capacity: Capacity;
  scale: number;
}) {
  const requests = profile.requests?.[resource.key] ?? 0;
  const limits = profile.limits?.[resource.key] ?? 0;
  const have = capacity?.[resource.key];
  const tone = fit(requests, have);
  const against = capacity && have !== undefined ? ` of ${resource.format(have)} (${capacity.source})` : '';
  const label = `${resource.label}: requests ${resource.format(requests)}, limits ${resource.format(limits)}${against}`;
  return (
    <div className="fp-row" data-resource={resource.key} data-fit={tone}>
      <span className="fp-label">{resource.label}</span>
      <div className="fp-bar" role="img" aria-label={label} title={label}>
        <span className={`fp-limits fp-${tone}`} style={{ width: percent(limits, scale) }} />
        <span className={`fp-requests fp-${tone}`} style={{ width: percent(requests, scale) }} />
        {have !== undefined && <span className="fp-capacity" style={{ left: percent(have, scale) }} />}
      </div>
      <span className="fp-value muted small">{resource.format(requests)}</span>
    </div>
  );
}

export function ProfilePicker() {
  const { form, profiles: report, profilesLoading, profilesError } = useStore((s) => s.stack);
  const setForm = useStore((s) => s.setInstallForm);
  const loadProfiles = useStore((s) => s.loadProfiles);
  const togglesKey = form.toggles.join(',');
  const targetKey = form.mode === 'kind' ? `kind:${form.cluster}` : `existing:${form.context}`;

  // The overrides editor asks again when it loses focus (SetupCard), not at every keystroke.
  useEffect(() => {
    void loadProfiles();
  }, [loadProfiles, togglesKey, targetKey]);

  if (!report) {
    return (
      <fieldset className="profiles">
        <legend>Profile</legend>
        <span className="muted small">
          {profilesError ? `Could not list the profiles: ${profilesError.message}` : 'Measuring the profiles…'}
        </span>
      </fieldset>
    );
  }
  const { capacity } = report;
  // One scale per resource across the profiles, so their bars compare.
  const scale = (key: Resource) =>
    Math.max(
      capacity?.[key] ?? 0,
      ...report.profiles.map((profile) => Math.max(profile.limits?.[key] ?? 0, profile.requests?.[key] ?? 0)),
    ) * 1.05 || 1;
  const toggle = (name: string, on: boolean) =>
    setForm({ toggles: on ? [...form.toggles.filter((other) => other !== name), name] : form.toggles.filter((other) => other !== name) });
  return (
    <fieldset className="profiles" aria-busy={profilesLoading}>
      <legend>Profile</legend>
      <div className="fp-legend muted small">
        Requests <span className="fp-swatch fp-requests" /> and limits <span className="fp-swatch fp-limits" /> of each profile&apos;s
        charts (helm template with your values){' '}
        {capacity ? (
          <>
            against <span className="fp-swatch fp-capacity-swatch" /> {capacity.source}: {formatBytes(capacity.memoryBytes)},{' '}
            {formatCpu(capacity.cpuMillis)} CPU
          </>
        ) : (
          '(no docker or podman answered: nothing to compare with)'
        )}
      </div>
      {profilesError && <div className="small hint">Not updated: {profilesError.message}</div>}
      <div role="radiogroup" aria-label="Profile" className="profile-list">
        {report.profiles.map((profile) => {
          const chosen = profile.name === form.profile;
          return (
            <div key={profile.name} className={`profile${chosen ? ' chosen' : ''}`} data-profile={profile.name}>
              <label className="radio">
                <input type="radio" name="profile" checked={chosen} onChange={() => setForm({ profile: profile.name })} />
                <strong>{profile.title}</strong>
                <span className="muted small">{profile.description}</span>
              </label>
              {profile.requests ? (
                <div className="fp">
                  {RESOURCES.map((resource) => (
                    <Bar key={resource.key} profile={profile} resource={resource} capacity={capacity} scale={scale(resource.key)} />
                  ))}
                </div>
              ) : (
                <div className="small hint">Could not measure it: {profile.error?.message}</div>
              )}
              {chosen && profile.toggles.length > 0 && (
                <div className="profile-toggles" role="group" aria-label={`${profile.title} toggles`}>
                  {profile.toggles.map((part) => (
                    <label key={part.name} className="radio">
                      <input
                        type="checkbox"
                        checked={form.toggles.includes(part.name)}
                        onChange={(event) => toggle(part.name, event.target.checked)}
                      />{' '}
                      {part.title}
                    </label>
                  ))}
                </div>
              )}
              {chosen && (
                <div className="muted small profile-parts">
                  {profile.releases.join(', ')} · operators {profile.operators.join(', ') || 'none'}
                  {profile.unlimited > 0 && ` · ${profile.unlimited} containers without a memory limit (counted at their requests)`}
                </div>
              )}
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}
