// SPDY/3 header blocks: name/value pairs with 32-bit lengths in one zlib stream per direction for the
// whole session, primed with the SPDY/3 dictionary, each block ending in a sync flush (so each frame's
// block inflates on its own, as the API server's framer requires). Because the streams are shared,
// blocks must reach the wire in the order they were compressed.
//
// Outgoing blocks use node's zlib (asynchronous: the session chains them and writes each SYN_STREAM
// before compressing the next). Two synchronous ways were tried and dropped: fflate's streaming Zlib
// produced output node's inflate rejects after its third sync flush ("invalid stored block lengths"),
// and hand-made stored deflate blocks, though node's inflate reads them, got no SYN_REPLY past the
// first stream from the test environment's API server. Incoming blocks inflate synchronously with
// fflate, checked against node's deflate in the tests.
import { constants, createDeflate } from 'node:zlib';
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

/** Our zlib stream for outgoing header blocks. */
export class HeaderDeflater {
  readonly #deflate = createDeflate({ dictionary: SPDY3_DICTIONARY });
  #last: Promise<unknown> = Promise.resolve();

  /** Blocks come back in call order; each is the sync-flushed output of its headers alone. */
  compress(headers: HeaderPairs): Promise<Buffer> {
    const raw = encodeHeaderBlock(headers);
    const block = this.#last.then(
      () =>
        new Promise<Buffer>((resolve, reject) => {
          const chunks: Buffer[] = [];
          const onData = (chunk: Buffer) => chunks.push(chunk);
          this.#deflate.on('data', onData);
          this.#deflate.once('error', reject);
          this.#deflate.write(raw);
          this.#deflate.flush(constants.Z_SYNC_FLUSH, () => {
            this.#deflate.off('data', onData);
            this.#deflate.off('error', reject);
            resolve(Buffer.concat(chunks));
          });
        }),
    );
    this.#last = block.catch(() => undefined);
    return block;
  }

  close(): void {
    this.#deflate.close();
  }
}

/** The peer's zlib stream, for incoming header blocks. */
export class HeaderInflater {
  #in: Buffer[] = [];
  readonly #inflate = new Unzlib({ dictionary: SPDY3_DICTIONARY }, (chunk) => this.#in.push(Buffer.from(chunk)));

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
