// FAKE LLM server, shaped like the two API families the ticketing agent speaks besides Claude:
// OpenAI chat completions (POST /v1/chat/completions, https://platform.openai.com/docs/api-reference/chat/create;
// vLLM serves the same) and Ollama (POST /api/chat with stream false,
// https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-chat-completion). It answers a
// fixed summary and keeps every prompt it got; in slow mode it holds every answer until closed, so a
// caller's timeout is what ends the request.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeLlm {
  url: string;
  /** The OpenAI-style base URL (what LLM_ENDPOINT / llm.endpoint holds for openai and vllm). */
  openaiEndpoint: string;
  prompts: { api: 'openai' | 'ollama'; model: string; authorization: string | undefined; messages: { role: string; content: string }[] }[];
  problems: string[];
  close(): Promise<void>;
}

export async function startFakeLlm(options: { answer: string; slow?: boolean; apiKey?: string }): Promise<FakeLlm> {
  const prompts: FakeLlm['prompts'] = [];
  const problems: string[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const api = request.url === '/v1/chat/completions' ? 'openai' : request.url === '/api/chat' ? 'ollama' : null;
      if (request.method !== 'POST' || !api) {
        response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'not found' } }));
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        model?: string;
        messages?: { role: string; content: string }[];
        stream?: boolean;
      };
      if (!body.model) problems.push(`${api}: model is required`);
      if (
        !Array.isArray(body.messages) ||
        !body.messages.every((m) => ['system', 'user', 'assistant'].includes(m.role) && typeof m.content === 'string')
      )
        problems.push(`${api}: messages must be {role, content} objects`);
      if (api === 'ollama' && body.stream !== false) problems.push('ollama: stream must be false for one JSON answer');
      if (api === 'openai' && options.apiKey && request.headers.authorization !== `Bearer ${options.apiKey}`)
        problems.push('openai: wrong Authorization');
      prompts.push({ api, model: body.model ?? '', authorization: request.headers.authorization, messages: body.messages ?? [] });
      if (options.slow) return; // held until close()
      const answer =
        api === 'openai'
          ? {
              id: `chatcmpl-fake${prompts.length}`,
              object: 'chat.completion',
              created: Math.floor(Date.now() / 1000),
              model: body.model,
              choices: [{ index: 0, message: { role: 'assistant', content: options.answer }, finish_reason: 'stop' }],
              usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
            }
          : {
              model: body.model,
              created_at: new Date().toISOString(),
              message: { role: 'assistant', content: options.answer },
              done: true,
            };
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    openaiEndpoint: `${url}/v1`,
    prompts,
    problems,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
