// FAKE Zammad REST API. Zammad publishes no OpenAPI document; this follows its documented requests:
// tickets (https://docs.zammad.org/en/latest/api/ticket/index.html: POST /api/v1/tickets with title,
// group, customer and a first article; PUT /api/v1/tickets/{id}; GET /api/v1/tickets/search?query=…
// &expand=true), articles (https://docs.zammad.org/en/latest/api/ticket/articles.html: POST
// /api/v1/ticket_articles with ticket_id, body, type, internal) and token authentication
// (https://docs.zammad.org/en/latest/api/intro.html: Authorization: Token token=…). Answers 201 with
// the record, 401 / 404 / 422 as {error, error_human}.
import { type FakePlatform, isObject, isString, startFakePlatform } from './common.js';

const ARTICLE_TYPES = ['note', 'email', 'phone', 'web', 'sms'];

export interface FakeZammad extends FakePlatform {
  tickets: Map<number, { title: string; group: string; state: string; articles: { subject?: string; body: string }[] }>;
}

export async function startFakeZammad(options: { token: string; groups?: string[] }): Promise<FakeZammad> {
  const groups = options.groups ?? ['Users'];
  const tickets: FakeZammad['tickets'] = new Map();
  const error = (status: number, message: string) => ({ status, body: { error: message, error_human: message } });
  const view = (id: number) => {
    const ticket = tickets.get(id)!;
    return {
      id,
      number: String(31_000 + id),
      title: ticket.title,
      group_id: groups.indexOf(ticket.group) + 1,
      state: ticket.state,
      article_count: ticket.articles.length,
    };
  };
  const fake = await startFakePlatform(
    'zammad',
    (request, checks) => {
      if (request.headers.authorization !== `Token token=${options.token}`) return error(401, 'authentication failed');
      const body = request.body;
      const checkArticle = (article: unknown, where: string) => {
        if (!checks.that(isObject(article), `${where} is not an object`) || !isObject(article)) return;
        checks.that(isString(article.body) && article.body.length > 0, `${where}.body is required`);
        if (article.type !== undefined)
          checks.that(ARTICLE_TYPES.includes(String(article.type)), `${where}.type is not one of ${ARTICLE_TYPES.join('|')}`);
        if (article.internal !== undefined) checks.that(typeof article.internal === 'boolean', `${where}.internal is not a boolean`);
        if (article.content_type !== undefined)
          checks.that(
            ['text/plain', 'text/html'].includes(String(article.content_type)),
            `${where}.content_type is not text/plain|text/html`,
          );
      };
      if (request.method === 'POST' && request.path === '/api/v1/tickets') {
        if (!checks.that(isObject(body), 'the body is not an object') || !isObject(body)) return error(422, 'invalid');
        checks.that(isString(body.title) && body.title.length > 0 && body.title.length <= 250, 'title is required (up to 250 characters)');
        checks.that(isString(body.group) || typeof body.group_id === 'number', 'group or group_id is required');
        checks.that(isString(body.customer) || body.customer_id !== undefined, 'customer or customer_id is required');
        checkArticle(body.article, 'article');
        if (checks.failed.length) return error(422, 'invalid');
        if (!groups.includes(String(body.group))) return error(422, `No lookup value found for 'group': "${String(body.group)}"`);
        const id = tickets.size + 1;
        const article = body.article as { subject?: string; body: string };
        tickets.set(id, {
          title: String(body.title),
          group: String(body.group),
          state: 'new',
          articles: [{ subject: article.subject, body: article.body }],
        });
        return { status: 201, body: view(id) };
      }
      if (request.method === 'POST' && request.path === '/api/v1/ticket_articles') {
        checkArticle(body, 'article');
        if (isObject(body)) checks.that(typeof body.ticket_id === 'number', 'ticket_id is required (a number)');
        if (checks.failed.length || !isObject(body)) return error(422, 'invalid');
        const ticket = tickets.get(body.ticket_id as number);
        if (!ticket) return error(404, `Couldn't find Ticket with 'id'=${String(body.ticket_id)}`);
        ticket.articles.push({ subject: body.subject as string | undefined, body: String(body.body) });
        return {
          status: 201,
          body: {
            id: 1000 + ticket.articles.length,
            ticket_id: body.ticket_id,
            subject: body.subject,
            body: body.body,
            type: body.type ?? 'note',
          },
        };
      }
      const one = /^\/api\/v1\/tickets\/(\d+)$/.exec(request.path);
      if (request.method === 'PUT' && one) {
        if (!checks.that(isObject(body), 'the body is not an object') || !isObject(body)) return error(422, 'invalid');
        if (body.state !== undefined)
          checks.that(
            ['new', 'open', 'closed', 'pending reminder', 'pending close'].includes(String(body.state)),
            'state is not a Zammad state',
          );
        if (checks.failed.length) return error(422, 'invalid');
        const ticket = tickets.get(Number(one[1]));
        if (!ticket) return error(404, `Couldn't find Ticket with 'id'=${one[1]}`);
        if (isString(body.state)) ticket.state = body.state;
        return { status: 200, body: view(Number(one[1])) };
      }
      if (request.method === 'GET' && request.path === '/api/v1/tickets/search') {
        const query = (request.query.get('query') ?? '').replace(/^"|"$/g, '');
        checks.that(query.length > 0, 'query is required');
        const found = [...tickets.keys()].filter((id) => tickets.get(id)!.title.includes(query));
        if (request.query.get('expand') === 'true') return { status: 200, body: found.map(view) };
        return { status: 200, body: { tickets: found, tickets_count: found.length, assets: {} } };
      }
      checks.that(false, `no operation ${request.method} ${request.path}`);
      return error(404, 'No route matches');
    },
    (problems) => error(422, problems.join('; ')),
  );
  return Object.assign(fake, { tickets });
}
