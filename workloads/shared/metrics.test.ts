import { describe, expect, it } from 'vitest';
import { Metrics } from './metrics.js';

describe('workload metrics', () => {
  it('renders counters and gauges in Prometheus text format, declared counters at 0, label values escaped', () => {
    const metrics = new Metrics();
    const events = metrics.counter('scorer_events_total', 'Events consumed from raw-logs.');
    metrics.counter('scorer_anomalies_total', 'Anomaly events produced.');
    const lag = metrics.gauge('scorer_lag_ms', 'Age of the newest event consumed.');
    events.inc({ service: 'payment-api' });
    events.inc({ service: 'payment-api' }, 2);
    events.inc({ service: 'a"b\\c' });
    lag.set(12.5);
    expect(metrics.render()).toBe(
      [
        '# HELP scorer_events_total Events consumed from raw-logs.',
        '# TYPE scorer_events_total counter',
        'scorer_events_total{service="payment-api"} 3',
        'scorer_events_total{service="a\\"b\\\\c"} 1',
        '# HELP scorer_anomalies_total Anomaly events produced.',
        '# TYPE scorer_anomalies_total counter',
        'scorer_anomalies_total 0',
        '# HELP scorer_lag_ms Age of the newest event consumed.',
        '# TYPE scorer_lag_ms gauge',
        'scorer_lag_ms 12.5',
        '',
      ].join('\n'),
    );
  });

  it('refuses a counter going down and a name reused with another type', () => {
    const metrics = new Metrics();
    expect(() => metrics.counter('x_total', 'x').inc({}, -1)).toThrow(/cannot decrease/);
    expect(() => metrics.gauge('x_total', 'x')).toThrow(/is a counter/);
  });
});
