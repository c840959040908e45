// The live tail's messages: the newest 10 000 (and at most 32 MB of values), outside the store so a
// fast topic costs a ring write per batch, not a React state copy.
import type { KafkaMessage } from '#contract/kafka.js';
import { RingBuffer } from './ring-buffer.js';

export const TAIL_CAP = 10_000;
export const TAIL_MAX_BYTES = 32 * 1024 * 1024;

export const tailBuffer = new RingBuffer<KafkaMessage>(
  TAIL_CAP,
  TAIL_MAX_BYTES,
  (m) => (m.value?.length ?? 0) + (m.key?.length ?? 0) + 120,
);
