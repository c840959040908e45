// The support bundle's zip, on fflate: deflated entries with UTF-8 names, marked as unix files
// with mode -rw-r--r-- so unpacked files are not executable.
import { type Zippable, unzipSync, zipSync } from 'fflate';

export interface ZipEntry {
  name: string;
  data: Buffer | string;
}

const UNIX = 3;
const RW_R_R = (0o100644 << 16) >>> 0;

/** Entries keep their order; names are expected to be unique. */
export function writeZip(entries: ZipEntry[], now = new Date()): Buffer {
  const files: Zippable = {};
  for (const { name, data } of entries)
    files[name] = [typeof data === 'string' ? Buffer.from(data, 'utf8') : data, { os: UNIX, attrs: RW_R_R }];
  return asBuffer(zipSync(files, { mtime: now }));
}

/** name → content, in the zip's order. */
export function readZip(zip: Uint8Array): Map<string, Buffer> {
  return new Map(Object.entries(unzipSync(zip)).map(([name, data]) => [name, asBuffer(data)]));
}

function asBuffer(data: Uint8Array): Buffer {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}
