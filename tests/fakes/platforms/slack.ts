// FAKE Slack incoming webhook. Slack publishes no OpenAPI document for incoming webhooks; this follows
// the documented request shape (https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks,
// "Handling errors" on the same page, and the Block Kit reference https://docs.slack.dev/reference/block-kit/blocks):
// POST application/json to the secret URL https://hooks.slack.com/services/T…/B…/…, a message with
// `text` and/or `blocks` (header: plain_text up to 150 characters; section: text up to 3000);
// answers 200 "ok" as text/plain, 400 "invalid_payload" / "no_text" / "invalid_blocks",
// 404 "no_service" for an unknown URL, 429 with Retry-After when rate limited.
import { type Checks, type FakePlatform, isObject, isString, startFakePlatform } from './common.js';

export interface FakeSlack extends FakePlatform {
  /** The webhook URL (the secret the agent gets as SLACK_WEBHOOK_URL). */
  webhookUrl: string;
  messages: { text?: string; blocks?: unknown[] }[];
}

function checkBlocks(checks: Checks, blocks: unknown): void {
  if (!checks.that(Array.isArray(blocks) && blocks.length <= 50, 'blocks: an array of up to 50 blocks') || !Array.isArray(blocks)) return;
  for (const block of blocks) {
    if (!checks.that(isObject(block) && isString(block.type), 'a block needs a type') || !isObject(block)) continue;
    const text = block.text;
    if (block.type === 'header')
      checks.that(
        isObject(text) && text.type === 'plain_text' && isString(text.text) && text.text.length <= 150,
        'header: plain_text up to 150 characters',
      );
    else if (block.type === 'section')
      checks.that(
        isObject(text) && ['plain_text', 'mrkdwn'].includes(String(text.type)) && isString(text.text) && text.text.length <= 3000,
        'section: text up to 3000 characters',
      );
    else
      checks.that(
        ['divider', 'context', 'actions', 'image', 'rich_text'].includes(String(block.type)),
        `unknown block type ${String(block.type)}`,
      );
  }
}

export async function startFakeSlack(): Promise<FakeSlack> {
  const path = '/services/T0FAKE001/B0FAKE001/FAKEsecretWEBHOOKtoken24';
  const messages: FakeSlack['messages'] = [];
  const fake = await startFakePlatform(
    'slack',
    (request, checks) => {
      if (request.path !== path) return { status: 404, body: 'no_service' };
      if (request.method !== 'POST') return { status: 405, body: 'invalid_method' };
      const body = request.body;
      if (!isObject(body)) return { status: 400, body: 'invalid_payload' };
      if (!isString(body.text) && body.blocks === undefined) return { status: 400, body: 'no_text' };
      if (body.blocks !== undefined) {
        checkBlocks(checks, body.blocks);
        if (checks.failed.length) return { status: 400, body: 'invalid_blocks' };
      }
      messages.push({ text: body.text as string | undefined, blocks: body.blocks as unknown[] | undefined });
      return { status: 200, body: 'ok' };
    },
    () => ({ status: 400, body: 'invalid_payload' }),
  );
  return Object.assign(fake, { webhookUrl: `${fake.url}${path}`, messages });
}
