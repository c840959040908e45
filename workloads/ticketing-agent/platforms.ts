// One client per incident platform, each with the request and authentication its API documents
// (sources next to each; the FAKE platforms in tests/fakes/platforms check the same). A client call
// is one attempt: it throws AttemptError (retry.ts) and the agent decides whether to try again.
import type { AgentConfig, Platform, Secrets } from './config.js';
import { type Anomaly, title } from './anomaly.js';
import { AttemptError, type Clock, checkResponse, systemClock } from './retry.js';

export interface Ticket {
  id: string;
  url: string;
}

export interface Incident {
  key: string;
  anomaly: Anomaly;
  summary: string;
}

export interface PlatformClient {
  create(incident: Incident): Promise<Ticket>;
  /** A later anomaly of the same incident (status update or closed). */
  update(ticket: Ticket, incident: Incident): Promise<Ticket>;
  /**
   * After a restart with a create in doubt (sent, outcome never published): the ticket the platform
   * already has for this incident. Absent where create itself is idempotent (dedup key, alias,
   * Idempotency-Key) or the platform cannot be asked (Slack).
   */
  find?(incident: Incident): Promise<Ticket | null>;
}

type Fetch = (url: string, init: RequestInit) => Promise<Response>;

function client(timeoutMs: number, clock: Clock) {
  return async (url: string, init: RequestInit & { json?: unknown }): Promise<unknown> => {
    const headers = new Headers(init.headers);
    let body = init.body;
    if (init.json !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(init.json);
    }
    headers.set('accept', 'application/json');
    const response = await (fetch as Fetch)(url, { ...init, headers, body, signal: AbortSignal.timeout(timeoutMs) }).catch(
      (error: unknown) => {
        throw new AttemptError(
          `request failed: ${error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)}`,
          true,
        );
      },
    );
    await checkResponse(response, clock);
    const text = await response.text();
    if (!text) return {};
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return { text };
    }
  };
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const trimSlash = (url: string) => url.replace(/\/+$/, '');
const actionOf = (anomaly: Anomaly) => (anomaly.status === 'closed' ? 'closed' : 'updated');

function describe(incident: Incident): string {
  const { anomaly } = incident;
  return [
    incident.summary,
    '',
    `Service: ${anomaly.service}`,
    `Severity: ${anomaly.severity} (score ${anomaly.score})`,
    `Anomaly: ${anomaly.anomaly_id}`,
    `Incident key: ${incident.key}`,
    anomaly.evidence?.trace_ids?.length ? `Trace ids: ${anomaly.evidence.trace_ids.slice(0, 10).join(', ')}` : '',
  ]
    .filter((line, i) => line !== '' || i === 1)
    .join('\n');
}

/** A Jira label cannot hold spaces: the incident key, other characters replaced. */
export const jiraLabel = (key: string) => `logclaw-${key.replace(/[^A-Za-z0-9_.-]/g, '_')}`.slice(0, 255);

/** Atlassian Document Format for plain paragraphs (REST v3 takes ADF for description and comments). */
const adf = (text: string) => ({
  type: 'doc',
  version: 1,
  content: text.split('\n\n').map((block) => ({ type: 'paragraph', content: block ? [{ type: 'text', text: block }] : [] })),
});

const OPSGENIE_PRIORITY = { critical: 'P1', high: 'P2', medium: 'P3', low: 'P4' } as const;
const PAGERDUTY_SEVERITY = { critical: 'critical', high: 'error', medium: 'warning', low: 'info' } as const;
const SERVICENOW_LEVEL = { critical: '1', high: '1', medium: '2', low: '3' } as const;

export function createClients(
  config: AgentConfig,
  secrets: Secrets,
  clock: Clock = systemClock,
): Partial<Record<Platform, PlatformClient>> {
  const call = client(config.requestTimeoutMs, clock);
  const p = config.platforms;
  const clients: Partial<Record<Platform, PlatformClient>> = {};

  // PagerDuty Events API v2 (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/):
  // dedup_key makes a repeated trigger update the same alert, so create is idempotent.
  if (p.pagerduty) {
    const settings = p.pagerduty;
    const send = async (incident: Incident, action: 'trigger' | 'resolve'): Promise<Ticket> => {
      const { anomaly } = incident;
      const body =
        action === 'resolve'
          ? { routing_key: secrets.pagerdutyRoutingKey, event_action: 'resolve', dedup_key: incident.key }
          : {
              routing_key: secrets.pagerdutyRoutingKey,
              event_action: 'trigger',
              dedup_key: incident.key,
              client: 'LogClaw',
              payload: {
                summary: title(anomaly).slice(0, 1024),
                source: anomaly.service,
                severity: settings.severityMap[anomaly.severity] ?? PAGERDUTY_SEVERITY[anomaly.severity],
                timestamp: anomaly.timestamp,
                component: anomaly.service,
                group: config.tenant,
                class: 'log-anomaly',
                custom_details: {
                  summary: incident.summary,
                  anomaly_id: anomaly.anomaly_id,
                  score: anomaly.score,
                  evidence: anomaly.evidence,
                },
              },
            };
      const answer = (await call(settings.eventsUrl, { method: 'POST', json: body })) as { dedup_key?: string };
      return { id: answer.dedup_key ?? incident.key, url: '' };
    };
    clients.pagerduty = {
      create: (incident) => send(incident, 'trigger'),
      update: (_ticket, incident) => send(incident, incident.anomaly.status === 'closed' ? 'resolve' : 'trigger'),
    };
  }

  // OpsGenie Alert API (https://docs.opsgenie.com/docs/alert-api): alias is the dedup key; the API
  // answers 202 and processes asynchronously, so the alias is the ticket id.
  if (p.opsgenie) {
    const base = `${trimSlash(p.opsgenie.apiUrl)}/v2/alerts`;
    const team = p.opsgenie.team;
    const headers = { authorization: `GenieKey ${secrets.opsgenieApiKey}` };
    const alias = (incident: Incident) => incident.key.slice(0, 512);
    clients.opsgenie = {
      create: async (incident) => {
        const { anomaly } = incident;
        await call(base, {
          method: 'POST',
          headers,
          json: {
            message: title(anomaly).slice(0, 130),
            alias: alias(incident),
            description: describe(incident).slice(0, 15_000),
            ...(team ? { responders: [{ name: team, type: 'team' }] } : {}),
            tags: ['logclaw', anomaly.service, anomaly.severity],
            details: { anomaly_id: anomaly.anomaly_id, service: anomaly.service, score: String(anomaly.score) },
            entity: anomaly.service,
            source: 'LogClaw',
            priority: OPSGENIE_PRIORITY[anomaly.severity],
          },
        });
        return { id: alias(incident), url: '' };
      },
      update: async (ticket, incident) => {
        const action = incident.anomaly.status === 'closed' ? 'close' : 'notes';
        const note = `${actionOf(incident.anomaly)}: ${incident.summary}`.slice(0, 25_000);
        await call(`${base}/${encodeURIComponent(ticket.id)}/${action}?identifierType=alias`, {
          method: 'POST',
          headers,
          json: { note, source: 'LogClaw' },
        });
        return ticket;
      },
    };
  }

  // Jira Cloud REST v3 (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-post),
  // basic auth with email + API token; updates are comments; find by the incident's label.
  if (p.jira) {
    const { baseUrl, projectKey, issueType } = p.jira;
    const root = trimSlash(baseUrl);
    const headers = { authorization: basic(secrets.jiraEmail ?? '', secrets.jiraApiToken ?? '') };
    const browse = (key: string) => `${root}/browse/${key}`;
    clients.jira = {
      create: async (incident) => {
        const answer = (await call(`${root}/rest/api/3/issue`, {
          method: 'POST',
          headers,
          json: {
            fields: {
              project: { key: projectKey },
              issuetype: { name: issueType },
              summary: title(incident.anomaly).slice(0, 255),
              description: adf(describe(incident)),
              labels: ['logclaw', jiraLabel(incident.key)],
            },
          },
        })) as { id?: string; key?: string };
        if (!answer.key) throw new AttemptError('Jira answered without an issue key', false);
        return { id: answer.key, url: browse(answer.key) };
      },
      update: async (ticket, incident) => {
        await call(`${root}/rest/api/3/issue/${encodeURIComponent(ticket.id)}/comment`, {
          method: 'POST',
          headers,
          json: {
            body: adf(`LogClaw ${actionOf(incident.anomaly)} this incident (${incident.anomaly.anomaly_id}).\n\n${incident.summary}`),
          },
        });
        return ticket;
      },
      find: async (incident) => {
        const jql = `project = "${projectKey}" AND labels = "${jiraLabel(incident.key)}"`;
        const answer = (await call(`${root}/rest/api/3/search/jql?jql=${encodeURIComponent(jql)}&fields=summary&maxResults=1`, {
          method: 'GET',
          headers,
        })) as { issues?: { key: string }[] };
        const key = answer.issues?.[0]?.key;
        return key ? { id: key, url: browse(key) } : null;
      },
    };
  }

  // ServiceNow Table API (https://www.servicenow.com/docs/bundle/zurich-api-reference/page/integrate/inbound-rest/concept/c_TableAPI.html):
  // POST /api/now/table/incident, PATCH …/{sys_id}; correlation_id carries the incident key for find.
  if (p.servicenow) {
    const table = `${trimSlash(p.servicenow.instanceUrl)}/api/now/table/incident`;
    const headers = { authorization: basic(secrets.servicenowUsername ?? '', secrets.servicenowPassword ?? '') };
    const group = p.servicenow.assignmentGroup;
    const link = (sysId: string) => `${trimSlash(p.servicenow!.instanceUrl)}/nav_to.do?uri=incident.do?sys_id=${sysId}`;
    const ticketOf = (answer: unknown): Ticket => {
      const result = (answer as { result?: { sys_id?: string } | { sys_id?: string }[] }).result;
      const record = Array.isArray(result) ? result[0] : result;
      if (!record?.sys_id) throw new AttemptError('ServiceNow answered without a sys_id', false);
      return { id: record.sys_id, url: link(record.sys_id) };
    };
    clients.servicenow = {
      create: async (incident) => {
        const { anomaly } = incident;
        return ticketOf(
          await call(`${table}?sysparm_fields=sys_id,number`, {
            method: 'POST',
            headers,
            json: {
              short_description: title(anomaly).slice(0, 160),
              description: describe(incident),
              urgency: SERVICENOW_LEVEL[anomaly.severity],
              impact: SERVICENOW_LEVEL[anomaly.severity],
              category: 'software',
              correlation_id: incident.key.slice(0, 100),
              correlation_display: 'LogClaw',
              ...(group ? { assignment_group: group } : {}),
            },
          }),
        );
      },
      update: async (ticket, incident) => {
        await call(`${table}/${ticket.id}?sysparm_fields=sys_id`, {
          method: 'PATCH',
          headers,
          json: {
            work_notes: `LogClaw ${actionOf(incident.anomaly)} this incident (${incident.anomaly.anomaly_id}).\n${incident.summary}`,
          },
        });
        return ticket;
      },
      find: async (incident) => {
        const query = `correlation_id=${incident.key.slice(0, 100)}`;
        const answer = (await call(`${table}?sysparm_query=${encodeURIComponent(query)}&sysparm_fields=sys_id,number&sysparm_limit=1`, {
          method: 'GET',
          headers,
        })) as { result?: unknown[] };
        return answer.result?.length ? ticketOf(answer) : null;
      },
    };
  }

  // Slack incoming webhook (https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks):
  // a message per event; the webhook cannot thread or edit, so an update is a new message.
  if (p.slack) {
    const url = secrets.slackWebhookUrl ?? '';
    const post = async (incident: Incident, heading: string): Promise<Ticket> => {
      const { anomaly } = incident;
      const text = `${heading} ${title(anomaly)}\n${incident.summary}`;
      await call(url, {
        method: 'POST',
        json: {
          text,
          blocks: [
            {
              type: 'header',
              text: { type: 'plain_text', text: `${heading} ${anomaly.severity} anomaly in ${anomaly.service}`.slice(0, 150) },
            },
            { type: 'section', text: { type: 'mrkdwn', text: describe(incident).slice(0, 3000) } },
          ],
        },
      });
      return { id: incident.key, url: '' };
    };
    clients.slack = {
      create: (incident) => post(incident, ':rotating_light:'),
      update: (_ticket, incident) =>
        post(incident, incident.anomaly.status === 'closed' ? ':white_check_mark: Closed:' : ':arrows_counterclockwise: Update:'),
    };
  }

  // Zammad REST (https://docs.zammad.org/en/latest/api/ticket/index.html, …/api/ticket/articles.html),
  // token auth (https://docs.zammad.org/en/latest/api/intro.html); find by the key in the title.
  if (p.zammad) {
    const root = trimSlash(p.zammad.url);
    const { group, customer } = p.zammad;
    const headers = { authorization: `Token token=${secrets.zammadApiToken}` };
    const ticketTitle = (incident: Incident) => `${title(incident.anomaly)} [${incident.key}]`;
    const link = (id: number | string) => `${root}/#ticket/zoom/${id}`;
    clients.zammad = {
      create: async (incident) => {
        const answer = (await call(`${root}/api/v1/tickets`, {
          method: 'POST',
          headers,
          json: {
            title: ticketTitle(incident),
            group,
            customer,
            article: {
              subject: title(incident.anomaly),
              body: describe(incident),
              type: 'note',
              internal: false,
              content_type: 'text/plain',
            },
          },
        })) as { id?: number };
        if (answer.id === undefined) throw new AttemptError('Zammad answered without a ticket id', false);
        return { id: String(answer.id), url: link(answer.id) };
      },
      update: async (ticket, incident) => {
        await call(`${root}/api/v1/ticket_articles`, {
          method: 'POST',
          headers,
          json: {
            ticket_id: Number(ticket.id),
            subject: `LogClaw ${actionOf(incident.anomaly)} (${incident.anomaly.anomaly_id})`,
            body: incident.summary,
            type: 'note',
            internal: false,
            content_type: 'text/plain',
          },
        });
        if (incident.anomaly.status === 'closed')
          await call(`${root}/api/v1/tickets/${ticket.id}`, { method: 'PUT', headers, json: { state: 'closed' } });
        return ticket;
      },
      find: async (incident) => {
        const answer = (await call(`${root}/api/v1/tickets/search?query=${encodeURIComponent(`"${incident.key}"`)}&limit=10&expand=true`, {
          method: 'GET',
          headers,
        })) as { id: number; title?: string }[] | unknown;
        const found = Array.isArray(answer)
          ? (answer as { id: number; title?: string }[]).find((t) => t.title === ticketTitle(incident))
          : undefined;
        return found ? { id: String(found.id), url: link(found.id) } : null;
      },
    };
  }

  // Generic webhook (the in-cluster ticket sink locally): a JSON POST per event; Idempotency-Key
  // lets the receiver drop a create repeated after a restart.
  if (p.webhook) {
    const url = p.webhook.url;
    const headers: Record<string, string> = secrets.webhookToken ? { authorization: `Bearer ${secrets.webhookToken}` } : {};
    const post = async (incident: Incident, action: 'create' | 'update' | 'close'): Promise<Ticket> => {
      const { anomaly } = incident;
      const answer = (await call(url, {
        method: 'POST',
        headers: {
          ...headers,
          'idempotency-key': action === 'create' ? `create:${incident.key}` : `${action}:${incident.key}:${anomaly.anomaly_id}`,
        },
        json: { action, incident_key: incident.key, title: title(anomaly), summary: incident.summary, tenant: config.tenant, anomaly },
      })) as { id?: string; url?: string };
      return { id: answer.id ?? incident.key, url: answer.url ?? '' };
    };
    clients.webhook = {
      create: (incident) => post(incident, 'create'),
      update: (_ticket, incident) => post(incident, incident.anomaly.status === 'closed' ? 'close' : 'update'),
    };
  }
  return clients;
}
