// SPDY/3 header blocks: name/value pairs with 32-bit lengths in one zlib stream per direction for the
// whole session, primed with the SPDY/3 dictionary, each block ending on a byte boundary (so each
// frame's block inflates on its own, as the API server's framer requires). Because the streams are
// shared, blocks must reach the wire in the order they were produced; both directions are
// synchronous here, so producing and writing a block in one call keeps that order.
//
// Outgoing blocks are stored (uncompressed) deflate blocks: valid zlib for the peer's shared context,
// trivially in order, and port-forward's three short headers gain nothing from compression. (fflate's
// streaming Zlib was tried and rejected: after its third sync flush the peer's inflate failed with
// "invalid stored block lengths".) Incoming blocks are real compressed zlib and inflate with fflate.
import { Unzlib } from 'fflate';
import { SPDY3_DICTIONARY } from './dictionary.js';
import { FrameError } from './framing.js';

export type HeaderPairs = Record<string, string>;

export function encodeHeaderBlock(headers: HeaderPairs): Buffer {
  const entries = Object.entries(headers);
  const parts: Buffer[] = [u32(entries.length)];
  for (const [name, value] of entries) {
    if (name !== name.toLowerCase() || name.length === 0) throw new FrameError(`header name "${name}" must be non-empty lowercase`);
    const nameBytes = Buffer.from(name, 'utf8');
    const valueBytes = Buffer.from(value, 'utf8');
    parts.push(u32(nameBytes.length), nameBytes, u32(valueBytes.length), valueBytes);
  }
  return Buffer.concat(parts);
}

export function decodeHeaderBlock(block: Buffer): HeaderPairs {
  const headers: HeaderPairs = {};
  if (block.length === 0) return headers;
  let at = 0;
  const take = (): Buffer => {
    if (at + 4 > block.length) throw new FrameError('header block ends inside a length');
    const length = block.readUInt32BE(at);
    at += 4;
    if (at + length > block.length) throw new FrameError('header block ends inside a name or value');
    at += length;
    return block.subarray(at - length, at);
  };
  if (block.length < 4) throw new FrameError('header block ends inside its count');
  const count = block.readUInt32BE(0);
  at = 4;
  for (let i = 0; i < count; i++) {
    const name = take().toString('utf8');
    headers[name] = take().toString('utf8');
  }
  return headers;
}

function u32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value, 0);
  return out;
}

/** The session's two zlib streams: ours for outgoing blocks, the peer's for incoming ones. */
export class HeaderCodec {
  #started = false;
  #in: Buffer[] = [];
  readonly #inflate = new Unzlib({ dictionary: SPDY3_DICTIONARY }, (chunk) => this.#in.push(Buffer.from(chunk)));

  compress(headers: HeaderPairs): Buffer {
    const raw = encodeHeaderBlock(headers);
    const parts: Buffer[] = [];
    if (!this.#started) {
      // CMF 0x78 (deflate, 32 KB window), FLG 0x20 (FDICT; the check bits come out 0), DICTID.
      parts.push(Buffer.from([0x78, 0x20]), u32(DICTIONARY_ADLER32));
      this.#started = true;
    }
    for (let at = 0; at < raw.length; at += STORED_MAX) {
      const piece = raw.subarray(at, at + STORED_MAX);
      const head = Buffer.alloc(5);
      head.writeUInt16LE(piece.length, 1);
      head.writeUInt16LE(~piece.length & 0xffff, 3);
      parts.push(head, piece);
    }
    return Buffer.concat(parts);
  }

  /**
   * Inflates one received block. Every block must pass through here in arrival order, even one the
   * caller does not need, or the context falls out of step with the peer's.
   */
  decompress(block: Buffer): HeaderPairs {
    if (block.length === 0) return {};
    try {
      this.#inflate.push(block);
    } catch (error) {
      throw new FrameError(`header block does not inflate: ${(error as Error).message}`);
    }
    return decodeHeaderBlock(drain(this.#in));
  }
}

/** A stored deflate block (header byte 0: not final, type 00) holds at most this many bytes. */
const STORED_MAX = 0xffff;
const DICTIONARY_ADLER32 = adler32(SPDY3_DICTIONARY);

function adler32(data: Buffer): number {
  let a = 1;
  let b = 0;
  for (const byte of data) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

function drain(chunks: Buffer[]): Buffer {
  const out = Buffer.concat(chunks);
  chunks.length = 0;
  return out;
}
