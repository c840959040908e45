// The root-cause summary: the configured LLM (global.llm) asked about the anomaly's evidence, within
// a timeout; anything else (disabled, timeout, error, empty answer) gives the plain summary built
// from the same evidence. The prompt holds the anomaly only: no setting, header or secret.
import type { AgentConfig } from './config.js';
import type { Anomaly } from './anomaly.js';

export interface Summary {
  text: string;
  source: 'llm' | 'fallback';
  /** Why the fallback was used. */
  reason?: string;
}

const SYSTEM =
  'You are an SRE assistant. From the anomaly and its evidence (log counts, baseline, sample messages, trace ids), write a ' +
  'root-cause hypothesis for an incident ticket in at most 5 sentences: what is failing, the likely cause, and what to check first. ' +
  'Do not invent facts that are not in the evidence.';

export function prompt(anomaly: Anomaly): string {
  const { anomaly_id, service, severity, score, message, timestamp, incident_key, status, evidence } = anomaly;
  return JSON.stringify({ anomaly_id, incident_key, status, service, severity, score, message, timestamp, evidence }, null, 2);
}

export function fallbackSummary(anomaly: Anomaly): string {
  const samples = anomaly.evidence?.samples?.slice(0, 3) ?? [];
  const traces = anomaly.evidence?.trace_ids?.slice(0, 5) ?? [];
  return [
    `${anomaly.severity} anomaly in ${anomaly.service} (score ${anomaly.score.toFixed(2)}): ${anomaly.message || 'no message'}.`,
    samples.length ? `Sample messages: ${samples.map((sample) => JSON.stringify(sample.slice(0, 200))).join('; ')}.` : '',
    traces.length ? `Trace ids: ${traces.join(', ')}.` : '',
    'No LLM summary was available; check the service logs around the anomaly window.',
  ]
    .filter(Boolean)
    .join(' ');
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');

async function ask(llm: AgentConfig['llm'], apiKey: string | undefined, anomaly: Anomaly, signal: AbortSignal): Promise<string> {
  const user = prompt(anomaly);
  const post = async (url: string, headers: Record<string, string>, body: unknown) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal,
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return (await response.json()) as Record<string, unknown>;
  };
  switch (llm.provider) {
    case 'claude': {
      // Anthropic Messages API: https://docs.anthropic.com/en/api/messages
      const answer = await post(
        `${trimSlash(llm.endpoint)}/v1/messages`,
        { 'x-api-key': apiKey ?? '', 'anthropic-version': '2023-06-01' },
        { model: llm.model, max_tokens: 400, system: SYSTEM, messages: [{ role: 'user', content: user }] },
      );
      return ((answer.content as { type: string; text?: string }[] | undefined) ?? [])
        .filter((block) => block.type === 'text')
        .map((block) => block.text)
        .join('');
    }
    case 'openai':
    case 'vllm': {
      // OpenAI chat completions (https://platform.openai.com/docs/api-reference/chat/create); vLLM serves the same API.
      const answer = await post(`${trimSlash(llm.endpoint)}/chat/completions`, apiKey ? { authorization: `Bearer ${apiKey}` } : {}, {
        model: llm.model,
        messages: [
          { role: 'system', content: SYSTEM },
          { role: 'user', content: user },
        ],
      });
      return (answer.choices as { message?: { content?: string } }[] | undefined)?.[0]?.message?.content ?? '';
    }
    case 'ollama': {
      // Ollama chat: https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-chat-completion
      const answer = await post(
        `${trimSlash(llm.endpoint)}/api/chat`,
        {},
        {
          model: llm.model,
          stream: false,
          messages: [
            { role: 'system', content: SYSTEM },
            { role: 'user', content: user },
          ],
        },
      );
      return (answer.message as { content?: string } | undefined)?.content ?? '';
    }
    case 'disabled':
      return '';
  }
}

export async function summarize(llm: AgentConfig['llm'], apiKey: string | undefined, anomaly: Anomaly): Promise<Summary> {
  if (llm.provider === 'disabled') return { text: fallbackSummary(anomaly), source: 'fallback', reason: 'LLM disabled' };
  try {
    const text = (await ask(llm, apiKey, anomaly, AbortSignal.timeout(llm.timeoutMs))).trim();
    if (text) return { text: text.slice(0, 4000), source: 'llm' };
    return { text: fallbackSummary(anomaly), source: 'fallback', reason: 'empty answer' };
  } catch (error) {
    const reason =
      error instanceof Error && error.name === 'TimeoutError'
        ? `timed out after ${llm.timeoutMs} ms`
        : String(error instanceof Error ? error.message : error);
    return { text: fallbackSummary(anomaly), source: 'fallback', reason };
  }
}
