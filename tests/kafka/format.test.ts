// Pure helpers of the Kafka CLI and pane: --since parsing, counts, and "copy as command" lines.
import { describe, expect, it } from 'vitest';
import { parseSince } from '../../electron/cli/commands/kafka.js';
import { shellQuote } from '#contract/command.js';
import { formatCount } from '#contract/format.js';
import { formatRate, prettyValue, produceCommand, tailCommand } from '../../renderer/src/features/kafka/format.js';

describe('Kafka CLI and pane helpers', () => {
  it('reads --since as an ISO date, epoch milliseconds or a duration back from now', () => {
    const now = Date.parse('2025-06-01T12:00:00Z');
    expect(parseSince('2025-06-01T11:00:00Z', now)).toBe(now - 3_600_000);
    expect(parseSince('1748775600000', now)).toBe(1_748_775_600_000);
    expect(parseSince('15m', now)).toBe(now - 900_000);
    expect(parseSince('2h', now)).toBe(now - 7_200_000);
    expect(() => parseSince('yesterday-ish', now)).toThrowError(expect.objectContaining({ code: 'INVALID_REQUEST' }));
  });

  it('formats counts as "10 000" and rates compactly', () => {
    expect(formatCount(1_240_311)).toBe('1\u00a0240\u00a0311');
    expect(formatCount(7)).toBe('7');
    expect([formatRate(null), formatRate(0), formatRate(2.345), formatRate(1234.6)]).toEqual(['–', '0', '2.3', '1\u00a0235']);
    expect(prettyValue('{"a":1}')).toEqual({ text: '{\n  "a": 1\n}', json: true });
    expect(prettyValue('plain')).toEqual({ text: 'plain', json: false });
  });

  it('writes the equivalent logclaw commands, quoted for a shell', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(
      tailCommand(
        { topic: 'raw-logs', from: { kind: 'earliest' }, filter: { text: 'payment failed', jsonPath: '$.level', jsonEquals: 'error' } },
        null,
      ),
    ).toBe("logclaw tail raw-logs --from-beginning --filter 'payment failed' --where '$.level=error'");
    expect(tailCommand({ topic: 't', from: { kind: 'offset', offset: '-50' }, partition: 2, filter: { key: 'pod-1' } }, null)).toBe(
      'logclaw tail t --offset=-50 --partition 2 --key-contains pod-1',
    );
    const session = { source: 'session', cliFlag: '--kafka-brokers 127.0.0.1:9092' } as never;
    expect(tailCommand({ topic: 't', from: { kind: 'latest' }, filter: {} }, session)).toBe(
      'logclaw tail t --kafka-brokers 127.0.0.1:9092',
    );
    expect(
      produceCommand({ topic: 'anomaly-events', format: 'json', key: 'k', headers: { source: 'ui' }, value: '{\n "a": 1\n}' }, null),
    ).toBe(`logclaw produce anomaly-events --key k --headers source=ui --value '{"a":1}'`);
  });
});
