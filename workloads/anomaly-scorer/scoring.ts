// The scorer's logic, free of Kafka and timers: per-service error counts in steps of event time,
// a sliding window scored against the service's own history, and incidents opened, updated and
// closed from those scores. Time comes from an injected clock; the same records and the same
// clock give the same anomaly events (ids included), which is what lets a restarted scorer
// rebuild from raw-logs and recognise what it already published.
//
// Method: robust z-score of the window's error count over the median and MAD of the service's
// previous windows (Iglewicz–Hoaglin modified z, 0.6745·(x − median)/MAD). Chosen over EWMA because
// (1) the median and MAD ignore up to half the history being an incident, so one burst neither
// inflates the baseline nor masks the next, where an EWMA/σ absorbs it; (2) it is a function of
// the last N windows only, so a restart that rebuilds those windows from raw-logs gets exactly the
// same baseline, where an EWMA depends on where its replay started. Error counts are Poisson-like,
// so the MAD is floored at the Poisson spread 0.6745·√median (≥ 0.6745): a service that never
// errs is not paged for one error, and five errors against a zero baseline make z = 5.
import { createHash } from 'node:crypto';
import type { AnomalyEvent, IncidentStatus, Severity } from '#contract/logs.js';
import type { LogRecord } from './log-event.js';

export interface ScorerConfig {
  /** Length of the scored window (and of each baseline window). */
  windowMs: number;
  /** Windows slide by this much; windowMs must be a multiple of it. */
  stepMs: number;
  /** Previous windows the baseline is taken over. */
  baselineWindows: number;
  /** Until a service has this many windows of history, the floor rule decides instead of the z-score. */
  minHistoryWindows: number;
  /** Floor rule, and the least errors any anomalous window has. */
  floorMinErrors: number;
  floorMinErrorRatio: number;
  /** Modified z-score at which a window is anomalous; it maps to score 0.5. */
  zThreshold: number;
  /** Least score for each severity (an anomalous window below `low` is not reported). */
  severity: Record<Severity, number>;
  /** A window is scored this long after it ends, so events still in flight are counted. */
  graceMs: number;
  /** An incident closes after this long without an anomalous window. */
  quietMs: number;
  /** At most one update per incident this often, and only when it changed materially. */
  updateIntervalMs: number;
  /** Material change: severity differs, the score moved by this much, or errors halved/doubled. */
  updateMinScoreChange: number;
}

export const DEFAULT_CONFIG: ScorerConfig = {
  windowMs: 10_000,
  stepMs: 1_000,
  baselineWindows: 60,
  minHistoryWindows: 6,
  floorMinErrors: 5,
  floorMinErrorRatio: 0.2,
  zThreshold: 3.5,
  severity: { low: 0.5, medium: 0.6, high: 0.75, critical: 0.9 },
  graceMs: 2_000,
  quietMs: 60_000,
  updateIntervalMs: 30_000,
  updateMinScoreChange: 0.1,
};

const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low'];
const MAX_SAMPLES = 5;
const MAX_TRACE_IDS = 20;
const MAD_SCALE = 0.6745;

interface Bucket {
  events: number;
  errors: number;
  syntheticErrors: number;
  samples: string[];
  traceIds: string[];
}

interface Published {
  end: number;
  score: number;
  severity: Severity;
  errors: number;
}

interface Incident {
  key: string;
  since: number;
  lastAnomalousEnd: number;
  /** True while every anomalous window's errors were all synthetic. */
  synthetic: boolean;
  published: Published;
}

interface ServiceState {
  /** First step with an event of this service (Infinity: only known from anomaly-events). */
  firstStep: number;
  buckets: Map<number, Bucket>;
  incident: Incident | null;
  /** Windows ending at or before this were already reported (learned from anomaly-events). */
  reportedThrough: number;
}

interface Assessment {
  start: number;
  end: number;
  events: number;
  errors: number;
  baseline: { windows: number; median: number; mad: number };
  coldStart: boolean;
  z: number;
  score: number;
  severity: Severity | null;
  anomalous: boolean;
  synthetic: boolean;
  samples: string[];
  traceIds: string[];
}

export function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const iso = (ms: number) => new Date(ms).toISOString();
const round = (value: number) => Math.round(value * 1000) / 1000;
const pushDistinct = (list: string[], value: string, max: number) => {
  if (list.length < max && !list.includes(value)) list.push(value);
};

export class Scorer {
  readonly #config: ScorerConfig;
  readonly #clock: () => number;
  readonly #services = new Map<string, ServiceState>();
  readonly #stepsPerWindow: number;
  /** Next step to score; null until start(). */
  #nextStep: number | null = null;

  constructor(config: ScorerConfig, clock: () => number) {
    if (config.windowMs % config.stepMs !== 0) throw new Error(`windowMs ${config.windowMs} is not a multiple of stepMs ${config.stepMs}`);
    this.#config = config;
    this.#clock = clock;
    this.#stepsPerWindow = config.windowMs / config.stepMs;
  }

  /** How far back records matter: the baseline windows plus the current one. */
  get historyMs(): number {
    return (this.#config.baselineWindows + 1) * this.#config.windowMs;
  }

  #service(name: string): ServiceState {
    let state = this.#services.get(name);
    if (!state) {
      state = { firstStep: Infinity, buckets: new Map(), incident: null, reportedThrough: -Infinity };
      this.#services.set(name, state);
    }
    return state;
  }

  /** Counts one record in its step; records older than the history are dropped, future ones count now. */
  add(record: LogRecord): void {
    const now = this.#clock();
    if (record.at < now - this.historyMs) return;
    const step = Math.floor(Math.min(record.at, now) / this.#config.stepMs);
    const state = this.#service(record.service);
    state.firstStep = Math.min(state.firstStep, step);
    let bucket = state.buckets.get(step);
    if (!bucket) {
      bucket = { events: 0, errors: 0, syntheticErrors: 0, samples: [], traceIds: [] };
      state.buckets.set(step, bucket);
    }
    bucket.events++;
    if (!record.error) return;
    bucket.errors++;
    if (record.synthetic) bucket.syntheticErrors++;
    if (record.message) pushDistinct(bucket.samples, record.message, MAX_SAMPLES);
    if (record.traceId) pushDistinct(bucket.traceIds, record.traceId, MAX_TRACE_IDS);
  }

  /**
   * What is already on anomaly-events (read back after a restart): per service the latest event of
   * an incident says whether one is open and up to which window it was reported.
   */
  adopt(events: AnomalyEvent[]): void {
    for (const event of events) {
      const { incident_key: key, status, evidence } = event;
      if (!key || !status || !evidence) continue;
      const end = Date.parse(evidence.window.end);
      const state = this.#service(event.service);
      if (end < state.reportedThrough) continue;
      state.reportedThrough = end;
      const since = state.incident?.key === key ? state.incident.since : end;
      state.incident =
        status === 'closed'
          ? null
          : {
              key,
              since,
              lastAnomalousEnd: end,
              synthetic: event.synthetic ?? false,
              published: { end, score: event.score, severity: event.severity, errors: evidence.counts.errors },
            };
    }
  }

  /** Starts scoring with the step containing `fromMs` (the rebuilt history's start). */
  start(fromMs: number): void {
    this.#nextStep = Math.floor(fromMs / this.#config.stepMs);
  }

  /** Scores every step that has ended (plus the grace) since the last call; the events to publish, in order. */
  evaluate(): AnomalyEvent[] {
    const out: AnomalyEvent[] = [];
    if (this.#nextStep === null) return out;
    const now = this.#clock();
    const { stepMs, graceMs } = this.#config;
    const lastDue = Math.floor((now - graceMs) / stepMs) - 1;
    // Steps older than the kept buckets cannot be scored (a long stall): resume at the oldest kept.
    this.#nextStep = Math.max(this.#nextStep, Math.floor((now - this.historyMs) / stepMs) + this.#stepsPerWindow);
    for (; this.#nextStep <= lastDue; this.#nextStep++) {
      for (const [name, state] of this.#services) this.#scoreStep(name, state, this.#nextStep, out);
    }
    this.#prune(now);
    return out;
  }

  #scoreStep(service: string, state: ServiceState, step: number, out: AnomalyEvent[]): void {
    const end = (step + 1) * this.#config.stepMs;
    if (end <= state.reportedThrough) return;
    const incident = state.incident;
    if (!incident && step < state.firstStep) return;
    // Every anomalous window has at least floorMinErrors errors: skip the baseline work below that.
    if (!incident && this.#sum(state, step - this.#stepsPerWindow + 1, step).errors < this.#config.floorMinErrors) return;
    const assessment = this.#assess(state, step);
    if (assessment.anomalous && assessment.severity) {
      if (!incident) {
        const key = `${service}/${iso(end)}`;
        state.incident = {
          key,
          since: end,
          lastAnomalousEnd: end,
          synthetic: assessment.synthetic,
          published: { end, score: assessment.score, severity: assessment.severity, errors: assessment.errors },
        };
        out.push(this.#event(service, state.incident, 'open', assessment));
        return;
      }
      incident.lastAnomalousEnd = end;
      incident.synthetic &&= assessment.synthetic;
      if (end - incident.published.end >= this.#config.updateIntervalMs && this.#material(incident.published, assessment)) {
        incident.published = { end, score: assessment.score, severity: assessment.severity, errors: assessment.errors };
        out.push(this.#event(service, incident, 'update', assessment));
      }
    } else if (incident && end - incident.lastAnomalousEnd >= this.#config.quietMs) {
      out.push(this.#event(service, incident, 'closed', assessment));
      state.incident = null;
    }
  }

  #material(published: Published, now: Assessment): boolean {
    return (
      now.severity !== published.severity ||
      Math.abs(now.score - published.score) >= this.#config.updateMinScoreChange ||
      now.errors >= 2 * published.errors ||
      2 * now.errors <= published.errors
    );
  }

  #sum(state: ServiceState, from: number, to: number) {
    const total = { events: 0, errors: 0, syntheticErrors: 0 };
    for (let step = from; step <= to; step++) {
      const bucket = state.buckets.get(step);
      if (!bucket) continue;
      total.events += bucket.events;
      total.errors += bucket.errors;
      total.syntheticErrors += bucket.syntheticErrors;
    }
    return total;
  }

  /** The window ending with `step` scored against the service's previous windows. */
  #assess(state: ServiceState, step: number): Assessment {
    const c = this.#config;
    const spw = this.#stepsPerWindow;
    const current = this.#sum(state, step - spw + 1, step);
    const history: number[] = [];
    for (let k = 1; k <= c.baselineWindows; k++) {
      const from = step - (k + 1) * spw + 1;
      if (from < state.firstStep) break;
      history.push(this.#sum(state, from, from + spw - 1).errors);
    }
    const mid = median(history);
    const mad = median(history.map((x) => Math.abs(x - mid)));
    const coldStart = history.length < c.minHistoryWindows;
    let z: number;
    if (coldStart) {
      // The floor rule as a z: exactly the threshold when both floors are just met.
      const ratio = current.events ? current.errors / current.events : 0;
      z = c.zThreshold * Math.min(current.errors / c.floorMinErrors, ratio / c.floorMinErrorRatio);
    } else {
      const spread = Math.max(mad, MAD_SCALE * Math.sqrt(Math.max(mid, 1)));
      z = (MAD_SCALE * (current.errors - mid)) / spread;
    }
    const score = z > 0 ? round(z / (z + c.zThreshold)) : 0;
    const severity = SEVERITIES.find((name) => score >= c.severity[name]) ?? null;
    const samples: string[] = [];
    const traceIds: string[] = [];
    for (let s = step - spw + 1; s <= step; s++) {
      const bucket = state.buckets.get(s);
      for (const sample of bucket?.samples ?? []) pushDistinct(samples, sample, MAX_SAMPLES);
      for (const id of bucket?.traceIds ?? []) pushDistinct(traceIds, id, MAX_TRACE_IDS);
    }
    return {
      start: (step - spw + 1) * c.stepMs,
      end: (step + 1) * c.stepMs,
      events: current.events,
      errors: current.errors,
      baseline: { windows: history.length, median: mid, mad },
      coldStart,
      z,
      score,
      severity,
      anomalous: z >= c.zThreshold && current.errors >= c.floorMinErrors,
      synthetic: current.errors > 0 && current.syntheticErrors === current.errors,
      samples,
      traceIds,
    };
  }

  #event(service: string, incident: Incident, status: IncidentStatus, a: Assessment): AnomalyEvent {
    const { score, severity } = status === 'closed' ? incident.published : { score: a.score, severity: a.severity! };
    const seconds = this.#config.windowMs / 1000;
    const basis = a.coldStart
      ? `cold start (${a.baseline.windows} of ${this.#config.minHistoryWindows} windows of history): floor ≥ ${this.#config.floorMinErrors} errors and ≥ ${Math.round(this.#config.floorMinErrorRatio * 100)}% errors`
      : `baseline median ${a.baseline.median} errors/${seconds} s (MAD ${a.baseline.mad}) over ${a.baseline.windows} windows, z ${a.z.toFixed(1)}`;
    const counts = `${a.errors} errors of ${a.events} events in ${seconds} s`;
    const message =
      status === 'closed'
        ? `${service}: incident closed after ${this.#config.quietMs / 1000} s without an anomalous window (now ${counts})`
        : `${service}: error ${status === 'open' ? 'burst' : 'burst continues'}, ${counts}; ${basis}`;
    return {
      anomaly_id: `ANO-${createHash('sha256').update(`${incident.key}|${status}|${a.end}`).digest('hex').slice(0, 16).toUpperCase()}`,
      service,
      score,
      severity,
      message,
      timestamp: iso(a.end),
      incident_key: incident.key,
      status,
      synthetic: incident.synthetic,
      evidence: {
        window: { start: iso(a.start), end: iso(a.end) },
        counts: { events: a.events, errors: a.errors },
        baseline: { windows: a.baseline.windows, median: a.baseline.median, mad: a.baseline.mad },
        samples: a.samples,
        trace_ids: a.traceIds,
      },
    };
  }

  #prune(now: number): void {
    const oldest = Math.floor((now - this.historyMs) / this.#config.stepMs);
    for (const [name, state] of this.#services) {
      for (const step of state.buckets.keys()) if (step < oldest) state.buckets.delete(step);
      if (state.buckets.size === 0 && !state.incident) this.#services.delete(name);
    }
  }

  /** For /health: services with kept history, the open incidents, and the end of the last scored window (null before start). */
  snapshot(): {
    services: number;
    open: Array<{ service: string; key: string; since: string; severity: Severity }>;
    scoredThrough: string | null;
  } {
    const open = [...this.#services]
      .filter(([, state]) => state.incident)
      .map(([service, { incident }]) => ({
        service,
        key: incident!.key,
        since: iso(incident!.since),
        severity: incident!.published.severity,
      }));
    return {
      services: this.#services.size,
      open,
      scoredThrough: this.#nextStep === null ? null : iso(this.#nextStep * this.#config.stepMs),
    };
  }
}
