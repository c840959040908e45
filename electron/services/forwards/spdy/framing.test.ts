import { createHash } from 'node:crypto';
import { constants, createDeflate, createInflate } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SPDY3_DICTIONARY } from './dictionary.js';
import { type Frame, FrameError, FrameReader, RstStatus, encodeFrame } from './framing.js';
import { HeaderDeflater, HeaderInflater, type HeaderPairs, decodeHeaderBlock, encodeHeaderBlock } from './headers.js';

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');

// Each frame with its bytes, laid out by hand from the SPDY/3 draft (section 2.2 and 2.6).
const KNOWN: [string, Frame, string][] = [
  ['DATA with FIN', { type: 'data', streamId: 3, fin: true, data: Buffer.from('hi') }, '00000003 01000002 6869'],
  ['DATA empty', { type: 'data', streamId: 0x7fffffff, fin: false, data: Buffer.alloc(0) }, '7fffffff 00000000'],
  [
    'SYN_STREAM',
    { type: 'synStream', streamId: 5, associatedId: 0, priority: 2, fin: false, unidirectional: true, headerBlock: hex('aabb') },
    '80030001 0200000c 00000005 00000000 4000 aabb',
  ],
  ['SYN_REPLY without headers', { type: 'synReply', streamId: 1, fin: false, headerBlock: Buffer.alloc(0) }, '80030002 00000004 00000001'],
  ['HEADERS', { type: 'headers', streamId: 9, fin: true, headerBlock: hex('01') }, '80030008 01000005 00000009 01'],
  ['RST_STREAM', { type: 'rstStream', streamId: 7, status: RstStatus.CANCEL }, '80030003 00000008 00000007 00000005'],
  [
    'SETTINGS',
    { type: 'settings', clear: true, entries: [{ flags: 1, id: 7, value: 1 << 20 }] },
    '80030004 0100000c 00000001 01000007 00100000',
  ],
  ['PING', { type: 'ping', id: 0xfffffffe }, '80030006 00000004 fffffffe'],
  ['GOAWAY', { type: 'goAway', lastGoodStreamId: 11, status: 2 }, '80030007 00000008 0000000b 00000002'],
  ['WINDOW_UPDATE', { type: 'windowUpdate', streamId: 0, delta: 65536 }, '80030009 00000008 00000000 00010000'],
];

describe('SPDY/3.1 framing', () => {
  it.each(KNOWN)('%s encodes to the known bytes and decodes back', (_name, frame, bytes) => {
    expect(encodeFrame(frame).toString('hex')).toBe(hex(bytes).toString('hex'));
    expect(new FrameReader().push(hex(bytes))).toEqual([frame]);
  });

  it('reads frames split at every byte and several frames in one chunk', () => {
    const wire = Buffer.concat(KNOWN.map(([, frame]) => encodeFrame(frame)));
    const reader = new FrameReader();
    const frames = [...wire].flatMap((byte) => reader.push(Buffer.from([byte])));
    expect(frames).toEqual(KNOWN.map(([, frame]) => frame));
    expect(new FrameReader().push(wire)).toEqual(KNOWN.map(([, frame]) => frame));
  });

  it('ignores control types a client does not handle and refuses other versions', () => {
    const credential = hex('8003000a 00000002 0000');
    expect(new FrameReader().push(Buffer.concat([credential, hex('80030006 00000004 00000001')]))).toEqual([{ type: 'ping', id: 1 }]);
    expect(() => new FrameReader().push(hex('80020006 00000004 00000001'))).toThrow(FrameError);
    expect(() => new FrameReader().push(hex('80030003 00000004 00000001'))).toThrow(/RST_STREAM frame of 4 bytes is too short/);
  });

  it('drops the reserved top bit of stream ids', () => {
    expect(new FrameReader().push(hex('80030009 00000008 80000003 80000010'))).toEqual([{ type: 'windowUpdate', streamId: 3, delta: 16 }]);
  });
});

describe('SPDY/3 header blocks', () => {
  it('uses the 1423-byte SPDY/3 dictionary', () => {
    expect(SPDY3_DICTIONARY.length).toBe(1423);
    expect(createHash('sha256').update(SPDY3_DICTIONARY).digest('hex')).toBe(
      '51d27341373f923f3cd88e1eb7162aeaa3723d7585ff2399201dc06498407f02',
    );
    expect(SPDY3_DICTIONARY.subarray(0, 11).toString('latin1')).toBe('\0\0\0\x07options');
  });

  it('lays out pairs with 32-bit lengths', () => {
    const block = encodeHeaderBlock({ port: '80' });
    expect(block.toString('hex')).toBe(hex('00000001 00000004 706f7274 00000002 3830').toString('hex'));
    expect(decodeHeaderBlock(block)).toEqual({ port: '80' });
    expect(() => encodeHeaderBlock({ Port: '80' })).toThrow(/lowercase/);
    expect(() => decodeHeaderBlock(block.subarray(0, 10))).toThrow(FrameError);
  });

  it("writes blocks node's zlib inflates with the dictionary, in one context", async () => {
    const deflater = new HeaderDeflater();
    const inflate = createInflate({ dictionary: SPDY3_DICTIONARY });
    // Hundreds of blocks in one context (a session's life), one larger than a stored block holds.
    const sets: HeaderPairs[] = Array.from({ length: 300 }, (_, i) => ({
      streamtype: i % 2 ? 'data' : 'error',
      port: String(8000 + (i % 7)),
      requestid: String(i >> 1),
    }));
    sets.splice(150, 0, { 'x-big': 'b'.repeat(70_000) });
    // Asked for all at once, as streams open back to back: each block is still its own headers.
    const blocks = await Promise.all(sets.map((headers) => deflater.compress(headers)));
    for (const [i, block] of blocks.entries()) expect(decodeHeaderBlock(await zlibStep(inflate, block))).toEqual(sets[i]);
    deflater.close();
  });

  it("decompresses blocks node's zlib deflated with the dictionary, in one context, and empty blocks", async () => {
    const inflater = new HeaderInflater();
    const deflate = createDeflate({ dictionary: SPDY3_DICTIONARY });
    expect(inflater.decompress(Buffer.alloc(0))).toEqual({});
    const sets: HeaderPairs[] = [{}, { status: '200 OK', version: 'HTTP/1.1' }, { 'x-long': 'v'.repeat(5000) }];
    for (let i = 0; i < 300; i++) sets.push({ ':status': String(200 + (i % 5)), requestid: String(i), pad: 'p'.repeat(i % 97) });
    for (const headers of sets) {
      expect(inflater.decompress(await zlibStep(deflate, encodeHeaderBlock(headers)))).toEqual(headers);
    }
    expect(() => inflater.decompress(hex('ffffffff'))).toThrow(FrameError);
  });
});

/** Feeds one block through a node zlib stream and returns what its sync flush yields. */
function zlibStep(stream: ReturnType<typeof createInflate>, input: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const onData = (chunk: Buffer) => chunks.push(chunk);
    stream.on('data', onData);
    stream.once('error', reject);
    stream.write(input);
    stream.flush(constants.Z_SYNC_FLUSH, () => {
      stream.off('data', onData);
      stream.off('error', reject);
      resolve(Buffer.concat(chunks));
    });
  });
}
