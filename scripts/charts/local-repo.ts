// A local Helm chart repository: charts packaged into a temporary folder, indexed with `helm repo
// index`, served over HTTP on 127.0.0.1, and pulled like any remote repository. Used for the FAKE
// stand-ins of upstream charts (charts:deps) and of the operator charts (tests/stack).
import { createReadStream, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { runOrThrow } from './lib.js';

export class LocalChartRepo {
  readonly dir: string;
  private server?: Server;
  private base?: string;

  constructor(private readonly helm: string) {
    this.dir = mkdtempSync(join(tmpdir(), 'logclaw-chart-repo-'));
  }

  /** Packages a chart folder into the repository. */
  async add(chartDir: string): Promise<void> {
    await runOrThrow(this.helm, ['package', chartDir, '-d', this.dir]);
  }

  /** Serves any other file beside the charts (e.g. a CRD bundle). */
  addFile(name: string, content: string): string {
    writeFileSync(join(this.dir, basename(name)), content);
    return `${this.url}${basename(name)}`;
  }

  /** Starts serving and (re)writes index.yaml; resolves to the repository URL. */
  async start(): Promise<string> {
    if (!this.base) {
      const dir = this.dir;
      const server = createServer((req, res) => {
        const file = join(dir, basename(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
        if (!existsSync(file)) {
          res.writeHead(404).end();
          return;
        }
        res.writeHead(200);
        createReadStream(file).pipe(res);
      });
      this.server = server;
      await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
      const { port } = server.address() as { port: number };
      this.base = `http://127.0.0.1:${port}/`;
    }
    await runOrThrow(this.helm, ['repo', 'index', this.dir, '--url', this.base]);
    return this.base;
  }

  get url(): string {
    if (!this.base) throw new Error('the chart repository is not started yet');
    return this.base;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server) await new Promise<void>((ok) => server.close(() => ok()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
