// FAKE PagerDuty Events API v2, checked against PagerDuty's published OpenAPI document:
// https://github.com/PagerDuty/api-schema/blob/main/reference/events-v2/openapiv3.json
// (openapi 3.0.2, info.version "2.0", "PagerDuty V2 Events API"; operation createV2Event, POST /enqueue
// on server https://events.pagerduty.com/v2). Request: routing_key + event_action (trigger |
// acknowledge | resolve) required, dedup_key required unless trigger, payload (Payload: summary,
// severity critical|warning|error|info, source required) for trigger; answers 202 {status, message,
// dedup_key}, 400 {status, message, errors}. Like PagerDuty, a trigger with the dedup_key of an open
// alert updates that alert instead of opening another.
import { randomUUID } from 'node:crypto';
import { type FakePlatform, isObject, isString, startFakePlatform } from './common.js';

const TOP = ['payload', 'routing_key', 'event_action', 'dedup_key', 'client', 'client_url', 'links', 'images'];
const PAYLOAD = ['summary', 'timestamp', 'severity', 'source', 'component', 'group', 'class', 'custom_details'];

export interface FakePagerDuty extends FakePlatform {
  /** Alerts by dedup_key: how many triggers it got and whether it was resolved. */
  alerts: Map<string, { triggers: number; resolved: boolean; summary: string }>;
}

export async function startFakePagerDuty(routingKey: string): Promise<FakePagerDuty> {
  const alerts: FakePagerDuty['alerts'] = new Map();
  const fake = await startFakePlatform(
    'pagerduty',
    (request, checks) => {
      if (!checks.that(request.method === 'POST' && request.path === '/v2/enqueue', `no operation ${request.method} ${request.path}`))
        return { status: 404, body: { status: 'Not Found', message: 'Not Found' } };
      const body = request.body;
      if (!checks.that(isObject(body), 'the body is not an object') || !isObject(body)) return { status: 400 };
      checks.known(body, 'event', TOP);
      checks.that(body.routing_key === routingKey, 'routing_key is not the integration key');
      checks.that(
        ['trigger', 'acknowledge', 'resolve'].includes(String(body.event_action)),
        'event_action is not trigger|acknowledge|resolve',
      );
      if (body.event_action !== 'trigger') checks.that(isString(body.dedup_key), 'dedup_key is required unless event_action is trigger');
      if (
        body.event_action === 'trigger' &&
        checks.that(isObject(body.payload), 'payload is required for a trigger') &&
        isObject(body.payload)
      ) {
        const payload = body.payload;
        checks.known(payload, 'payload', PAYLOAD);
        checks.that(
          isString(payload.summary) && payload.summary.length > 0 && payload.summary.length <= 1024,
          'payload.summary: 1 to 1024 characters',
        );
        checks.that(isString(payload.source) && payload.source.length > 0, 'payload.source is required');
        checks.that(
          ['critical', 'warning', 'error', 'info'].includes(String(payload.severity)),
          'payload.severity is not critical|warning|error|info',
        );
        if (payload.timestamp !== undefined)
          checks.that(!Number.isNaN(Date.parse(String(payload.timestamp))), 'payload.timestamp is not a date-time');
        if (payload.custom_details !== undefined) checks.that(isObject(payload.custom_details), 'payload.custom_details is not an object');
      }
      if (checks.failed.length) return { status: 400 };
      const key = isString(body.dedup_key) ? body.dedup_key : randomUUID().replace(/-/g, '');
      const alert = alerts.get(key);
      if (body.event_action === 'trigger') {
        const summary = String((body.payload as Record<string, unknown>).summary);
        if (alert && !alert.resolved) alert.triggers++;
        else alerts.set(key, { triggers: 1, resolved: false, summary });
      } else if (body.event_action === 'resolve' && alert) alert.resolved = true;
      return { status: 202, body: { status: 'success', message: 'Event processed', dedup_key: key } };
    },
    (problems) => ({ status: 400, body: { status: 'invalid event', message: 'Event object is invalid', errors: problems } }),
  );
  return Object.assign(fake, { alerts });
}
