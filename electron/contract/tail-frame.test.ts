import { describe, expect, it } from 'vitest';
import type { KafkaMessage } from './kafka.js';
import { decodeTailFrame, encodeTailFrame } from './tail-frame.js';

const message = (overrides: Partial<KafkaMessage>): KafkaMessage => ({
  partition: 0,
  offset: '0',
  timestamp: 1_700_000_000_000,
  key: null,
  value: '{}',
  encoding: 'utf8',
  headers: {},
  size: 2,
  truncated: false,
  ...overrides,
});

describe('tail frame', () => {
  it('round-trips every field: null and empty values, multi-byte text, base64, headers, truncation, int64 offsets', () => {
    const messages = [
      message({ offset: '9223372036854775806', key: 'k1', value: '{"level":"error","msg":"a \\"quoted\\" line"}', size: 41 }),
      message({ partition: 2, value: null, size: 0 }),
      message({ value: '' }),
      message({ key: 'ключ', value: 'añ 日本 🦀 \u{1F600} end', headers: { trace: 'abc', 'x-b': '' } }),
      message({ value: '3q2+7w==', encoding: 'base64', size: 4 }),
      message({ value: 'x'.repeat(100), size: 70_000, truncated: true }),
    ];
    const batch = { tailId: 't-1', seq: 7, scanned: 12, matched: 6, messages };
    expect(decodeTailFrame(encodeTailFrame(batch))).toEqual(batch);
  });

  it('decodes a frame that sits inside a larger buffer (a Node Buffer from the socket) and an empty batch', () => {
    const frame = encodeTailFrame({ tailId: 't', seq: 1, scanned: 0, matched: 0, messages: [] });
    const pool = new Uint8Array(frame.length + 13);
    pool.set(frame, 5);
    expect(decodeTailFrame(pool.subarray(5, 5 + frame.length))).toEqual({ tailId: 't', seq: 1, scanned: 0, matched: 0, messages: [] });
  });
});
