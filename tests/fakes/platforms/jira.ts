// FAKE Jira Cloud, checked against Atlassian's published OpenAPI document for the platform REST API:
// https://developer.atlassian.com/cloud/jira/platform/swagger-v3.v3.json (openapi 3.0.1, info.version
// "1001.0.0-SNAPSHOT", "The Jira Cloud platform REST API"): operations createIssue (POST
// /rest/api/3/issue, body IssueUpdateDetails {fields, update, …}, answer 201 CreatedIssue {id, key,
// self}), addComment (POST /rest/api/3/issue/{issueIdOrKey}/comment, body Comment with body in
// Atlassian Document Format, answer 201 Comment) and searchAndReconsileIssuesUsingJql (GET
// /rest/api/3/search/jql?jql=…, answer {issues, isLast}); basic auth with email and API token
// (https://developer.atlassian.com/cloud/jira/platform/basic-auth-for-rest-apis/); errors as
// ErrorCollection {errorMessages, errors}. ADF per https://developer.atlassian.com/cloud/jira/platform/apis/document/structure/.
import { type Checks, type FakePlatform, basicAuth, isObject, isString, startFakePlatform } from './common.js';

export interface FakeJira extends FakePlatform {
  issues: Map<string, { id: string; summary: string; labels: string[]; comments: unknown[] }>;
}

function checkAdf(checks: Checks, doc: unknown, where: string): void {
  if (!checks.that(isObject(doc), `${where} is not an ADF document`) || !isObject(doc)) return;
  checks.that(doc.type === 'doc' && doc.version === 1 && Array.isArray(doc.content), `${where}: ADF needs type doc, version 1 and content`);
  for (const node of Array.isArray(doc.content) ? doc.content : []) {
    if (!checks.that(isObject(node) && isString(node.type), `${where}: every block needs a type`) || !isObject(node)) continue;
    for (const inline of Array.isArray(node.content) ? node.content : [])
      checks.that(
        isObject(inline) && inline.type === 'text' && isString(inline.text) && inline.text.length > 0,
        `${where}: text nodes need non-empty text`,
      );
  }
}

export async function startFakeJira(options: { email: string; apiToken: string; projectKey: string }): Promise<FakeJira> {
  const issues: FakeJira['issues'] = new Map();
  let origin = '';
  const error = (status: number, message: string, errors: Record<string, string> = {}) => ({
    status,
    body: { errorMessages: message ? [message] : [], errors },
  });
  const fake = await startFakePlatform(
    'jira',
    (request, checks) => {
      if (request.headers.authorization !== basicAuth(options.email, options.apiToken))
        return error(401, 'Client must be authenticated to access this resource.');
      const body = request.body;
      if (request.method === 'POST' && request.path === '/rest/api/3/issue') {
        if (
          !checks.that(isObject(body) && isObject(body.fields), 'IssueUpdateDetails needs fields') ||
          !isObject(body) ||
          !isObject(body.fields)
        )
          return error(400, '');
        checks.known(body, 'IssueUpdateDetails', ['fields', 'update', 'transition', 'historyMetadata', 'properties']);
        const fields = body.fields;
        if (isObject(fields.project) && fields.project.key !== options.projectKey)
          return error(400, '', { project: 'valid project is required' });
        checks.that(
          isObject(fields.project) && (isString(fields.project.key) || isString(fields.project.id)),
          'fields.project needs key or id',
        );
        checks.that(
          isObject(fields.issuetype) && (isString(fields.issuetype.name) || isString(fields.issuetype.id)),
          'fields.issuetype needs name or id',
        );
        checks.that(
          isString(fields.summary) && fields.summary.length > 0 && fields.summary.length <= 255 && !fields.summary.includes('\n'),
          'fields.summary: one line of 1 to 255 characters',
        );
        if (fields.description !== undefined) checkAdf(checks, fields.description, 'fields.description');
        if (fields.labels !== undefined)
          checks.that(
            Array.isArray(fields.labels) && fields.labels.every((l) => isString(l) && !/\s/.test(l) && l.length <= 255),
            'fields.labels: strings without spaces',
          );
        if (checks.failed.length) return error(400, '');
        const id = String(10_000 + issues.size + 1);
        const key = `${options.projectKey}-${issues.size + 1}`;
        issues.set(key, { id, summary: String(fields.summary), labels: (fields.labels as string[] | undefined) ?? [], comments: [] });
        return { status: 201, body: { id, key, self: `${origin}/rest/api/3/issue/${id}` } };
      }
      const comment = /^\/rest\/api\/3\/issue\/([^/]+)\/comment$/.exec(request.path);
      if (request.method === 'POST' && comment) {
        if (!checks.that(isObject(body), 'Comment is not an object') || !isObject(body)) return error(400, '');
        checks.known(body, 'Comment', ['body', 'visibility', 'properties']);
        checkAdf(checks, body.body, 'body');
        if (checks.failed.length) return error(400, '');
        const issue = issues.get(decodeURIComponent(comment[1]!));
        if (!issue) return error(404, 'Issue does not exist or you do not have permission to see it.');
        issue.comments.push(body.body);
        const id = String(20_000 + issue.comments.length);
        return {
          status: 201,
          body: { id, self: `${origin}/rest/api/3/issue/${issue.id}/comment/${id}`, body: body.body, created: new Date().toISOString() },
        };
      }
      if (request.method === 'GET' && request.path === '/rest/api/3/search/jql') {
        const jql = request.query.get('jql') ?? '';
        checks.that(jql.length > 0, 'jql is required');
        const label = /labels\s*=\s*"([^"]+)"/.exec(jql)?.[1];
        const found = [...issues.entries()].filter(([, issue]) => label !== undefined && issue.labels.includes(label));
        return {
          status: 200,
          body: {
            issues: found.map(([key, issue]) => ({
              id: issue.id,
              key,
              self: `${origin}/rest/api/3/issue/${issue.id}`,
              fields: { summary: issue.summary },
            })),
            isLast: true,
          },
        };
      }
      checks.that(false, `no operation ${request.method} ${request.path}`);
      return error(404, 'Not found');
    },
    (problems) => error(400, problems.join('; ')),
  );
  origin = fake.url;
  return Object.assign(fake, { issues });
}
