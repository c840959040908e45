// FAKE OpsGenie Alert API, checked against Atlassian OpsGenie's published OpenAPI (Swagger 2.0) document:
// https://github.com/opsgenie/opsgenie-oas — individual-domains/yaml/alert-swagger.yaml (info.version
// "2.0.0", host api.opsgenie.com, security GenieKey: header Authorization) with definitions/alert.yaml
// (CreateAlertPayload: message required, alias, description, responders, visibleTo, actions, tags,
// details map of strings, entity, priority P1..P5, plus AlertActionPayload user, note, source;
// AddNoteToAlertPayload: note required; CloseAlertPayload) and paths/alert.yaml (POST /v2/alerts,
// POST /v2/alerts/{identifier}/notes and /close with identifierType id|alias|tiny). Every accepted
// request is answered 202 {result, took, requestId} (processing is asynchronous); field limits from
// https://docs.opsgenie.com/docs/alert-api (message 130, alias 512, description 15000 characters).
// Like OpsGenie, a create with the alias of an open alert only counts up that alert.
import { randomUUID } from 'node:crypto';
import { type FakePlatform, isObject, isString, startFakePlatform } from './common.js';

const ACTION = ['user', 'note', 'source'];
const CREATE = [
  ...ACTION,
  'message',
  'alias',
  'description',
  'responders',
  'visibleTo',
  'actions',
  'tags',
  'details',
  'entity',
  'priority',
];

export interface FakeOpsGenie extends FakePlatform {
  alerts: Map<string, { count: number; notes: string[]; closed: boolean; message: string }>;
}

export async function startFakeOpsGenie(apiKey: string): Promise<FakeOpsGenie> {
  const alerts: FakeOpsGenie['alerts'] = new Map();
  const accepted = () => ({ status: 202, body: { result: 'Request will be processed', took: 0.01, requestId: randomUUID() } });
  const fake = await startFakePlatform(
    'opsgenie',
    (request, checks) => {
      if (request.headers.authorization !== `GenieKey ${apiKey}`)
        return { status: 401, body: { message: 'Could not authenticate', took: 0, requestId: randomUUID() } };
      const body = request.body;
      if (request.method === 'POST' && request.path === '/v2/alerts') {
        if (!checks.that(isObject(body), 'the body is not an object') || !isObject(body)) return { status: 422 };
        checks.known(body, 'CreateAlertPayload', CREATE);
        checks.that(
          isString(body.message) && body.message.length > 0 && body.message.length <= 130,
          'message: 1 to 130 characters, required',
        );
        if (body.alias !== undefined) checks.that(isString(body.alias) && body.alias.length <= 512, 'alias: up to 512 characters');
        if (body.description !== undefined)
          checks.that(isString(body.description) && body.description.length <= 15_000, 'description: up to 15000 characters');
        if (body.priority !== undefined)
          checks.that(['P1', 'P2', 'P3', 'P4', 'P5'].includes(String(body.priority)), 'priority is not P1..P5');
        if (body.tags !== undefined) checks.that(Array.isArray(body.tags) && body.tags.every(isString), 'tags is not an array of strings');
        if (body.details !== undefined)
          checks.that(isObject(body.details) && Object.values(body.details).every(isString), 'details is not a map of strings');
        if (body.responders !== undefined)
          checks.that(
            Array.isArray(body.responders) &&
              body.responders.every((r) => isObject(r) && ['team', 'user', 'escalation', 'schedule'].includes(String(r.type))),
            'responders: each needs a type team|user|escalation|schedule',
          );
        if (checks.failed.length) return { status: 422 };
        const alias = isString(body.alias) ? body.alias : randomUUID();
        const alert = alerts.get(alias);
        if (alert && !alert.closed) alert.count++;
        else alerts.set(alias, { count: 1, notes: [], closed: false, message: String(body.message) });
        return accepted();
      }
      const action = /^\/v2\/alerts\/([^/]+)\/(notes|close)$/.exec(request.path);
      if (request.method === 'POST' && action) {
        const type = request.query.get('identifierType') ?? 'id';
        checks.that(['id', 'alias', 'tiny'].includes(type), 'identifierType is not id|alias|tiny');
        if (!checks.that(isObject(body), 'the body is not an object') || !isObject(body)) return { status: 422 };
        checks.known(body, action[2] === 'notes' ? 'AddNoteToAlertPayload' : 'CloseAlertPayload', ACTION);
        if (action[2] === 'notes')
          checks.that(isString(body.note) && body.note.length > 0 && body.note.length <= 25_000, 'note: required, up to 25000 characters');
        if (checks.failed.length) return { status: 422 };
        const alert = type === 'alias' ? alerts.get(decodeURIComponent(action[1]!)) : undefined;
        if (alert) {
          if (isString(body.note)) alert.notes.push(body.note);
          if (action[2] === 'close') alert.closed = true;
        }
        return accepted();
      }
      checks.that(false, `no operation ${request.method} ${request.path}`);
      return { status: 404, body: { message: 'Not Found' } };
    },
    (problems) => ({ status: 422, body: { message: problems.join('; '), took: 0, requestId: randomUUID() } }),
  );
  return Object.assign(fake, { alerts });
}
