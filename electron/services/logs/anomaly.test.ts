// The anomaly-events schema against the seed's own example (README step 7, "Produce an anomaly event").
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AnomalyEvent, AnomalyRequest, logsChannels } from '#contract/logs.js';
import { parseRequest } from '#contract/validate.js';
import { sourceRoot } from '../paths.js';

describe('AnomalyEvent', () => {
  it("accepts the seed's example event exactly", () => {
    const seed = '{"anomaly_id":"ANO-001","service":"payment-api","score":0.92,"severity":"critical","message":"Error rate spike to 15%"}';
    expect(AnomalyEvent.parse(JSON.parse(seed))).toEqual(JSON.parse(seed));
  });

  it('is the schema of the topic the charts declare', () => {
    const values = readFileSync(join(sourceRoot(), 'charts', 'logclaw-kafka', 'values.yaml'), 'utf8');
    expect(values).toMatch(/^\s+anomaly-events: \{partitions: \d+/m);
    expect(Object.keys(AnomalyEvent.shape).sort()).toEqual([
      'anomaly_id',
      'evidence',
      'incident_key',
      'message',
      'score',
      'service',
      'severity',
      'status',
      'synthetic',
      'timestamp',
    ]);
    // The incident fields are the scorer's: optional on the topic, not part of the app's manual request.
    expect(Object.keys(AnomalyRequest.shape).sort()).toEqual(['anomaly_id', 'message', 'score', 'service', 'severity', 'timestamp']);
  });

  it('refuses a severity outside low|medium|high|critical and a score outside 0–1 with INVALID_REQUEST', () => {
    expect(() => parseRequest('logs:sendAnomaly', { service: 'a', severity: 'urgent', score: 0.5 })).toThrow(
      expect.objectContaining({ code: 'INVALID_REQUEST' }),
    );
    expect(() => parseRequest('logs:sendAnomaly', { service: 'a', severity: 'low', score: -0.1 })).toThrow(/score must be from 0 to 1/);
    expect(() => parseRequest('logs:sendAnomaly', { service: 'a', severity: 'low', score: 'high' })).toThrow(
      expect.objectContaining({ code: 'INVALID_REQUEST' }),
    );
    expect(AnomalyRequest.parse({ service: 'a', severity: 'low', score: 0 })).toEqual({
      service: 'a',
      severity: 'low',
      score: 0,
      message: '',
    });
    expect(Object.keys(logsChannels)).toContain('logs:sendAnomaly');
  });
});
