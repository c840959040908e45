// The HTTP bridge's wire format for one `kafka:messages` batch: a binary WebSocket frame instead of
// the JSON envelope every other event uses. JSON-encoding 500 message objects per batch (escaping
// every quote of every JSON value, repeating every field name) was most of the tail's cost on both
// sides, so the values travel as raw bytes and the rest as one array of tuples:
//
//   [u32 LE head length][head: UTF-8 JSON][values, concatenated]
//   head = { tailId, seq, scanned, matched, rows: [[partition, offset, timestamp, key, encoding,
//            headers, size, truncated, valueBytes], …] }
//
// encoding is 0 for utf8, 1 for base64 (the value is then base64 text); truncated is 0/1;
// valueBytes is the value's length in the frame (-1 for null). Web APIs only: the backend encodes,
// the renderer (and tests, the benchmark) decode.
import type { EventPayload } from './channels.js';
import type { KafkaMessage } from './kafka.js';

export type TailMessagesEvent = EventPayload<'kafka:messages'>;

/** A message as the backend holds it: the value still as the UTF-8 bytes read from Kafka, or as text. */
export type FrameMessage = Omit<KafkaMessage, 'value'> & { value: Uint8Array | string | null };

/**
 * The backend's tail batches carry their messages undecoded under this key (not enumerable), so the
 * bridge copies value bytes into the frame without ever making them strings.
 */
export const FRAME_MESSAGES = Symbol.for('logclaw.tailFrameMessages');

type Row = [number, string, number, string | null, 0 | 1, Record<string, string>, number, 0 | 1, number];

const utf8 = new TextEncoder();
const text = new TextDecoder();

export function encodeTailFrame(batch: Omit<TailMessagesEvent, 'messages'> & { messages: readonly FrameMessage[] }): Uint8Array {
  const rows: Row[] = new Array(batch.messages.length);
  const values: Uint8Array[] = new Array(batch.messages.length);
  let total = 0;
  for (let i = 0; i < batch.messages.length; i++) {
    const m = batch.messages[i]!;
    const bytes = m.value === null ? null : typeof m.value === 'string' ? utf8.encode(m.value) : m.value;
    if (bytes) {
      values[i] = bytes;
      total += bytes.length;
    }
    rows[i] = [
      m.partition,
      m.offset,
      m.timestamp,
      m.key,
      m.encoding === 'base64' ? 1 : 0,
      m.headers,
      m.size,
      m.truncated ? 1 : 0,
      bytes ? bytes.length : -1,
    ];
  }
  const head = utf8.encode(JSON.stringify({ tailId: batch.tailId, seq: batch.seq, scanned: batch.scanned, matched: batch.matched, rows }));
  const frame = new Uint8Array(4 + head.length + total);
  new DataView(frame.buffer).setUint32(0, head.length, true);
  frame.set(head, 4);
  let at = 4 + head.length;
  for (const bytes of values) {
    if (!bytes) continue;
    frame.set(bytes, at);
    at += bytes.length;
  }
  return frame;
}

export function decodeTailFrame(frame: Uint8Array): TailMessagesEvent {
  const headLength = new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getUint32(0, true);
  const head = JSON.parse(text.decode(frame.subarray(4, 4 + headLength))) as Omit<TailMessagesEvent, 'messages'> & { rows: Row[] };
  const body = frame.subarray(4 + headLength);
  // One decode for the whole batch when every byte became one character (plain ASCII, the common
  // case): byte offsets are then string offsets. Otherwise each value on its own.
  const whole = text.decode(body);
  const sliceable = whole.length === body.length;
  let at = 0;
  const messages = head.rows.map(([partition, offset, timestamp, key, encoding, headers, size, truncated, length]): KafkaMessage => {
    const value = length < 0 ? null : sliceable ? whole.slice(at, at + length) : text.decode(body.subarray(at, at + length));
    at += Math.max(0, length);
    return { partition, offset, timestamp, key, value, encoding: encoding ? 'base64' : 'utf8', headers, size, truncated: truncated === 1 };
  });
  return { tailId: head.tailId, seq: head.seq, scanned: head.scanned, matched: head.matched, messages };
}
