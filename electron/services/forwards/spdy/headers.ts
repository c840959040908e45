// SPDY/3 header blocks: name/value pairs with 32-bit lengths, compressed with one zlib context per
// direction for the whole session, primed with the SPDY/3 dictionary and sync-flushed per block (so
// each frame's block inflates on its own, as the API server's framer requires). Because the contexts
// are shared, blocks must reach the wire in the order they were compressed. fflate is synchronous,
// so compressing and writing in one turn of the event loop keeps that order.
import { Unzlib, Zlib } from 'fflate';
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

/** The session's two zlib contexts: ours for outgoing blocks, the peer's for incoming ones. */
export class HeaderCodec {
  #out: Buffer[] = [];
  #in: Buffer[] = [];
  readonly #deflate = new Zlib({ dictionary: SPDY3_DICTIONARY }, (chunk) => this.#out.push(Buffer.from(chunk)));
  readonly #inflate = new Unzlib({ dictionary: SPDY3_DICTIONARY }, (chunk) => this.#in.push(Buffer.from(chunk)));

  compress(headers: HeaderPairs): Buffer {
    this.#deflate.push(encodeHeaderBlock(headers));
    this.#deflate.flush(true);
    return drain(this.#out);
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

function drain(chunks: Buffer[]): Buffer {
  const out = Buffer.concat(chunks);
  chunks.length = 0;
  return out;
}
