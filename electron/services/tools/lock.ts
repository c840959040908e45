import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { AppError, describeIssues } from '#contract/index.js';

const PlatformArtifact = z.object({
  url: z.string().url(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'sha256 must be 64 lowercase hex digits'),
  /** When the binary ships inside an archive, which kind and the member path of the binary. */
  archive: z.enum(['tar.gz', 'zip']).optional(),
  member: z.string().optional(),
  /** Where the checksum was read (release notes, a checksum file, a manifest at a commit): a pin without provenance is a guess. */
  source: z.string().min(1),
});
export type PlatformArtifact = z.infer<typeof PlatformArtifact>;

export const ToolsLock = z.object({
  tools: z.partialRecord(
    z.enum(['kind', 'helm', 'kubectl']),
    z.object({
      version: z.string(),
      minimum: z.string(),
      platforms: z.record(z.string(), PlatformArtifact),
    }),
  ),
});
export type ToolsLock = z.infer<typeof ToolsLock>;

export function readToolsLock(path: string): ToolsLock {
  const parsed = ToolsLock.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new AppError('INVALID_REQUEST', `${path} is not a valid tools lock: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** Extracts the first x.y.z from tool output such as "kind v0.27.0 go1.23.4 linux/amd64". */
export function parseVersion(text: string): string | null {
  const match = /v?(\d+)\.(\d+)\.(\d+)/.exec(text);
  return match ? `${match[1]}.${match[2]}.${match[3]}` : null;
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return Math.sign(diff);
  }
  return 0;
}
