// SPDY/3.1 framing (draft-mbelshe-httpbis-spdy-00 as amended by SPDY/3.1): the frames a port-forward
// client needs, encoded and decoded without any HTTP semantics. Header blocks stay compressed here;
// HeaderCodec (headers.ts) owns the session's zlib contexts, whose order the caller must keep.

export const VERSION = 3;
export const FLAG_FIN = 0x01;
export const FLAG_UNIDIRECTIONAL = 0x02;
export const SETTINGS_INITIAL_WINDOW_SIZE = 7;
/** Every stream's and the session's window before any SETTINGS or WINDOW_UPDATE (SPDY/3.1). */
export const DEFAULT_WINDOW = 64 * 1024;
const MAX_LENGTH = 0xffffff;

export const RstStatus = {
  PROTOCOL_ERROR: 1,
  INVALID_STREAM: 2,
  REFUSED_STREAM: 3,
  UNSUPPORTED_VERSION: 4,
  CANCEL: 5,
  INTERNAL_ERROR: 6,
  FLOW_CONTROL_ERROR: 7,
  STREAM_IN_USE: 8,
  STREAM_ALREADY_CLOSED: 9,
  FRAME_TOO_LARGE: 11,
} as const;

const Type = { synStream: 1, synReply: 2, rstStream: 3, settings: 4, ping: 6, goAway: 7, headers: 8, windowUpdate: 9 } as const;

export type Frame =
  | { type: 'data'; streamId: number; fin: boolean; data: Buffer }
  | {
      type: 'synStream';
      streamId: number;
      associatedId: number;
      priority: number;
      fin: boolean;
      unidirectional: boolean;
      /** Compressed header block. */
      headerBlock: Buffer;
    }
  | { type: 'synReply'; streamId: number; fin: boolean; headerBlock: Buffer }
  | { type: 'headers'; streamId: number; fin: boolean; headerBlock: Buffer }
  | { type: 'rstStream'; streamId: number; status: number }
  | { type: 'settings'; clear: boolean; entries: { id: number; flags: number; value: number }[] }
  | { type: 'ping'; id: number }
  | { type: 'goAway'; lastGoodStreamId: number; status: number }
  | { type: 'windowUpdate'; streamId: number; delta: number };

export class FrameError extends Error {}

function control(type: number, flags: number, payload: Buffer): Buffer {
  if (payload.length > MAX_LENGTH) throw new FrameError(`control frame payload of ${payload.length} bytes is too large`);
  const head = Buffer.alloc(8);
  head.writeUInt16BE(0x8000 | VERSION, 0);
  head.writeUInt16BE(type, 2);
  head.writeUInt32BE(((flags & 0xff) << 24) | payload.length, 4);
  return Buffer.concat([head, payload]);
}

function words(...values: number[]): Buffer {
  const out = Buffer.alloc(values.length * 4);
  values.forEach((value, i) => out.writeUInt32BE(value >>> 0, i * 4));
  return out;
}

const id31 = (value: number) => value & 0x7fffffff;

export function encodeFrame(frame: Frame): Buffer {
  switch (frame.type) {
    case 'data': {
      if (frame.data.length > MAX_LENGTH) throw new FrameError(`data frame of ${frame.data.length} bytes is too large`);
      const head = Buffer.alloc(8);
      head.writeUInt32BE(id31(frame.streamId), 0);
      head.writeUInt32BE(((frame.fin ? FLAG_FIN : 0) << 24) | frame.data.length, 4);
      return Buffer.concat([head, frame.data]);
    }
    case 'synStream': {
      const fixed = Buffer.alloc(10);
      fixed.writeUInt32BE(id31(frame.streamId), 0);
      fixed.writeUInt32BE(id31(frame.associatedId), 4);
      fixed.writeUInt8((frame.priority & 0x7) << 5, 8);
      const flags = (frame.fin ? FLAG_FIN : 0) | (frame.unidirectional ? FLAG_UNIDIRECTIONAL : 0);
      return control(Type.synStream, flags, Buffer.concat([fixed, frame.headerBlock]));
    }
    case 'synReply':
    case 'headers':
      return control(Type[frame.type], frame.fin ? FLAG_FIN : 0, Buffer.concat([words(id31(frame.streamId)), frame.headerBlock]));
    case 'rstStream':
      return control(Type.rstStream, 0, words(id31(frame.streamId), frame.status));
    case 'settings':
      return control(
        Type.settings,
        frame.clear ? 1 : 0,
        words(
          frame.entries.length,
          ...frame.entries.flatMap((entry) => [((entry.flags & 0xff) << 24) | (entry.id & 0xffffff), entry.value]),
        ),
      );
    case 'ping':
      return control(Type.ping, 0, words(frame.id));
    case 'goAway':
      return control(Type.goAway, 0, words(id31(frame.lastGoodStreamId), frame.status));
    case 'windowUpdate':
      return control(Type.windowUpdate, 0, words(id31(frame.streamId), id31(frame.delta)));
  }
}

function need(payload: Buffer, bytes: number, what: string): void {
  if (payload.length < bytes) throw new FrameError(`${what} frame of ${payload.length} bytes is too short`);
}

/** One control frame's payload to a Frame; undefined for types a client may ignore (SPDY/3 says so). */
function decodeControl(type: number, flags: number, payload: Buffer): Frame | undefined {
  const fin = (flags & FLAG_FIN) !== 0;
  switch (type) {
    case Type.synStream:
      need(payload, 10, 'SYN_STREAM');
      return {
        type: 'synStream',
        streamId: id31(payload.readUInt32BE(0)),
        associatedId: id31(payload.readUInt32BE(4)),
        priority: payload.readUInt8(8) >> 5,
        fin,
        unidirectional: (flags & FLAG_UNIDIRECTIONAL) !== 0,
        headerBlock: payload.subarray(10),
      };
    case Type.synReply:
    case Type.headers:
      need(payload, 4, type === Type.synReply ? 'SYN_REPLY' : 'HEADERS');
      return {
        type: type === Type.synReply ? 'synReply' : 'headers',
        streamId: id31(payload.readUInt32BE(0)),
        fin,
        headerBlock: payload.subarray(4),
      };
    case Type.rstStream:
      need(payload, 8, 'RST_STREAM');
      return { type: 'rstStream', streamId: id31(payload.readUInt32BE(0)), status: payload.readUInt32BE(4) };
    case Type.settings: {
      need(payload, 4, 'SETTINGS');
      const count = payload.readUInt32BE(0);
      need(payload, 4 + count * 8, 'SETTINGS');
      const entries = Array.from({ length: count }, (_, i) => {
        const flagId = payload.readUInt32BE(4 + i * 8);
        return { flags: flagId >>> 24, id: flagId & 0xffffff, value: payload.readUInt32BE(8 + i * 8) };
      });
      return { type: 'settings', clear: (flags & 1) !== 0, entries };
    }
    case Type.ping:
      need(payload, 4, 'PING');
      return { type: 'ping', id: payload.readUInt32BE(0) };
    case Type.goAway:
      need(payload, 8, 'GOAWAY');
      return { type: 'goAway', lastGoodStreamId: id31(payload.readUInt32BE(0)), status: payload.readUInt32BE(4) };
    case Type.windowUpdate:
      need(payload, 8, 'WINDOW_UPDATE');
      return { type: 'windowUpdate', streamId: id31(payload.readUInt32BE(0)), delta: id31(payload.readUInt32BE(4)) };
    default:
      return undefined;
  }
}

/** Splits a byte stream (frames may straddle chunks) into frames. */
export class FrameReader {
  #pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    let buffer = this.#pending.length ? Buffer.concat([this.#pending, chunk]) : chunk;
    const frames: Frame[] = [];
    while (buffer.length >= 8) {
      const length = buffer.readUInt32BE(4) & 0xffffff;
      if (buffer.length < 8 + length) break;
      const flags = buffer.readUInt8(4);
      const payload = buffer.subarray(8, 8 + length);
      if (buffer.readUInt8(0) & 0x80) {
        const version = buffer.readUInt16BE(0) & 0x7fff;
        if (version !== VERSION) throw new FrameError(`SPDY version ${version} frame in a SPDY/3.1 session`);
        const frame = decodeControl(buffer.readUInt16BE(2), flags, payload);
        if (frame) frames.push(frame);
      } else {
        frames.push({ type: 'data', streamId: id31(buffer.readUInt32BE(0)), fin: (flags & FLAG_FIN) !== 0, data: payload });
      }
      buffer = buffer.subarray(8 + length);
    }
    // Copied so a kept remainder does not pin the whole chunk it came from.
    this.#pending = Buffer.from(buffer);
    return frames;
  }
}
