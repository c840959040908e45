// The anomaly as the agent reads it from anomaly-events. The incident fields (incident_key, status,
// synthetic, evidence) are optional in the contract: a producer without them (the app's "send
// anomaly", the seed's example) gives one incident per anomaly_id.
import { AnomalyEvent } from '#contract/logs.js';

export type Anomaly = AnomalyEvent;

export function parseAnomaly(value: Buffer | null): { anomaly: Anomaly } | { error: string } {
  let json: unknown;
  try {
    json = JSON.parse(value?.toString('utf8') ?? '');
  } catch {
    return { error: 'not JSON' };
  }
  const parsed = AnomalyEvent.safeParse(json);
  if (!parsed.success) return { error: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ') };
  return { anomaly: parsed.data };
}

export const incidentKey = (anomaly: Anomaly) => anomaly.incident_key || anomaly.anomaly_id;

export function title(anomaly: Anomaly): string {
  const text = `[LogClaw] ${anomaly.severity.toUpperCase()} ${anomaly.service}: ${anomaly.message || 'anomaly'}`;
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}
