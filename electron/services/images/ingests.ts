// What a kind node's containerd is downloading, from `ctr -n k8s.io content active` run in the node
// (crictl prints no progress). containerd's cmd/ctr/commands/content/content.go (activeIngestCommand)
// writes a tabwriter table `REF\tSIZE\tAGE\t` with one row per ingest: the ref, the bytes written so
// far as go-units HumanSize (`%.4g` + B/kB/MB/GB…, decimal: "512B", "1.024kB", "12.35MB") and the age
// as HumanDuration ("3 seconds", "About a minute", with spaces). A pull's refs come from
// remotes.MakeRefKey: `<kind>-<digest>` with kind index/manifest/layer/config/unknown, and since
// containerd 1.7 `<kind>-<name>@<digest>` when the descriptor is annotated with a ref name.
export interface ActiveIngest {
  kind: string;
  digest: string;
  bytes: number;
}

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
const SIZE = /^(\d+(?:\.\d+)?(?:e\+\d+)?)(B|kB|MB|GB|TB|PB|EB|ZB|YB)$/;
const REF = /^(index|manifest|layer|config|unknown)-(?:\S*@)?(sha256:[0-9a-f]{64})$/;

/** go-units HumanSize back to bytes (as precise as its four digits). */
export function parseHumanSize(text: string): number | null {
  const match = SIZE.exec(text);
  return match ? Math.round(Number(match[1]) * 1000 ** UNITS.indexOf(match[2]!)) : null;
}

/** The pull ingests of `ctr content active` (other refs, such as `ctr content ingest`'s, are not pulls). */
export function parseActiveIngests(stdout: string): ActiveIngest[] {
  const ingests: ActiveIngest[] = [];
  for (const line of stdout.split('\n')) {
    const [ref = '', size = ''] = line.trim().split(/\s+/);
    const match = REF.exec(ref);
    const bytes = parseHumanSize(size);
    if (match && bytes !== null) ingests.push({ kind: match[1]!, digest: match[2]!, bytes });
  }
  return ingests;
}

/** Bytes as people read them: "512 B", "45.1 MB", "1.2 GB" (decimal units, as containerd counts them). */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : Number(value.toPrecision(3))} ${UNITS[unit]}`;
}

/**
 * The ingests of one node over time, with the caller's clock: what moved since a pull started, and
 * when it last moved. Without the pulls' layer digests the node's ingests cannot be told apart by
 * image, so a pull is judged by all of its node's ingests.
 */
export class NodeIngests {
  readonly #active = new Map<string, { bytes: number; moved: number }>();
  /** Ingests gone from the table (committed, or abandoned): their last size and when they went. */
  readonly #finished = new Map<string, { bytes: number; at: number }>();

  observe(ingests: readonly ActiveIngest[], now: number): void {
    const seen = new Set<string>();
    for (const { digest, bytes } of ingests) {
      seen.add(digest);
      const before = this.#active.get(digest);
      this.#active.set(digest, { bytes, moved: before && before.bytes === bytes ? before.moved : now });
    }
    for (const [digest, { bytes }] of this.#active)
      if (!seen.has(digest)) {
        this.#active.delete(digest);
        this.#finished.set(digest, { bytes, at: now });
      }
  }

  /** Since `since`: bytes written by the node's ingests, when one last moved (or `since`), and whether any is open. */
  since(since: number): { bytes: number; moved: number; open: boolean } {
    let bytes = 0;
    let moved = since;
    for (const ingest of this.#active.values()) {
      bytes += ingest.bytes;
      moved = Math.max(moved, ingest.moved);
    }
    for (const ingest of this.#finished.values())
      if (ingest.at >= since) {
        bytes += ingest.bytes;
        moved = Math.max(moved, ingest.at);
      }
    return { bytes, moved, open: this.#active.size > 0 };
  }
}
