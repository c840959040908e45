// FAKE ServiceNow Table API for the incident table. ServiceNow publishes no OpenAPI document for the
// Table API; this follows its documented request shape (Table API reference, "POST
// /now/table/{tableName}", "PATCH /now/table/{tableName}/{sys_id}", "GET /now/table/{tableName}":
// https://www.servicenow.com/docs/bundle/zurich-api-reference/page/integrate/inbound-rest/concept/c_TableAPI.html):
// basic auth, a JSON object of column names to string values, sysparm_fields / sysparm_query /
// sysparm_limit; answers 201 (create) / 200 {result: record | [records]}, errors {error: {message,
// detail}, status: "failure"}. Columns checked against the incident table's documented fields.
import { randomBytes } from 'node:crypto';
import { type Checks, type FakePlatform, basicAuth, isObject, isString, startFakePlatform } from './common.js';

const COLUMNS = [
  'short_description',
  'description',
  'urgency',
  'impact',
  'category',
  'subcategory',
  'correlation_id',
  'correlation_display',
  'assignment_group',
  'assigned_to',
  'caller_id',
  'work_notes',
  'comments',
  'state',
  'close_code',
  'close_notes',
  'cmdb_ci',
];

export interface FakeServiceNow extends FakePlatform {
  /** By sys_id: the record's columns, and the work notes added to it (a journal field, one entry per PATCH). */
  incidents: Map<string, { record: Record<string, string>; workNotes: string[] }>;
}

export async function startFakeServiceNow(options: { username: string; password: string }): Promise<FakeServiceNow> {
  const incidents: FakeServiceNow['incidents'] = new Map();
  const failure = (status: number, message: string, detail = '') => ({ status, body: { error: { message, detail }, status: 'failure' } });
  const pick = (record: Record<string, string>, fields: string | null) =>
    fields ? Object.fromEntries(fields.split(',').map((field) => [field, record[field] ?? ''])) : record;
  const checkColumns = (body: Record<string, unknown>, checks: Checks) => {
    checks.known(body, 'incident', COLUMNS);
    for (const [column, value] of Object.entries(body)) checks.that(isString(value), `${column}: Table API values are strings`);
    for (const column of ['urgency', 'impact'])
      if (body[column] !== undefined) checks.that(['1', '2', '3'].includes(String(body[column])), `${column} is not 1|2|3`);
    if (body.short_description !== undefined)
      checks.that(String(body.short_description).length <= 160, 'short_description: up to 160 characters');
    if (body.correlation_id !== undefined) checks.that(String(body.correlation_id).length <= 100, 'correlation_id: up to 100 characters');
  };
  const fake = await startFakePlatform(
    'servicenow',
    (request, checks) => {
      if (request.headers.authorization !== basicAuth(options.username, options.password))
        return failure(401, 'User Not Authenticated', 'Required to provide Auth information');
      const body = request.body;
      const fields = request.query.get('sysparm_fields');
      if (request.path === '/api/now/table/incident' && request.method === 'POST') {
        if (!checks.that(isObject(body), 'the body is not an object') || !isObject(body)) return failure(400, 'Invalid body');
        checkColumns(body, checks);
        checks.that(isString(body.short_description) && body.short_description.length > 0, 'short_description is required for an incident');
        if (checks.failed.length) return failure(400, 'Invalid body');
        const sysId = randomBytes(16).toString('hex');
        const record = {
          ...(body as Record<string, string>),
          sys_id: sysId,
          number: `INC${String(10_001 + incidents.size).padStart(7, '0')}`,
        };
        incidents.set(sysId, { record, workNotes: [] });
        return { status: 201, body: { result: pick(record, fields) } };
      }
      const one = /^\/api\/now\/table\/incident\/([0-9a-f]{32})$/.exec(request.path);
      if (one && request.method === 'PATCH') {
        if (!checks.that(isObject(body), 'the body is not an object') || !isObject(body)) return failure(400, 'Invalid body');
        checkColumns(body, checks);
        if (checks.failed.length) return failure(400, 'Invalid body');
        const incident = incidents.get(one[1]!);
        if (!incident) return failure(404, 'No Record found', "Record doesn't exist or ACL restricts the record retrieval");
        const { work_notes, ...rest } = body as Record<string, string>;
        Object.assign(incident.record, rest);
        if (work_notes) incident.workNotes.push(work_notes);
        return { status: 200, body: { result: pick(incident.record, fields) } };
      }
      if (request.path === '/api/now/table/incident' && request.method === 'GET') {
        const query = request.query.get('sysparm_query') ?? '';
        const limit = Number(request.query.get('sysparm_limit') ?? '10000');
        const conditions = query ? query.split('^').map((condition) => condition.split('=') as [string, string]) : [];
        const found = [...incidents.values()]
          .map((incident) => incident.record)
          .filter((record) => conditions.every(([column, value]) => record[column] === value))
          .slice(0, limit);
        return { status: 200, body: { result: found.map((record) => pick(record, fields)) } };
      }
      checks.that(false, `no operation ${request.method} ${request.path}`);
      return failure(400, 'Requested URI does not represent any resource');
    },
    (problems) => failure(400, 'Invalid request', problems.join('; ')),
  );
  return Object.assign(fake, { incidents });
}
