// The CLI runs from its esbuild bundle (scripts/build-cli.mjs: built by `npm install`'s prepare into
// dist/cli, which bin/logclaw.mjs runs; the tests run one built for their run, LOGCLAW_BIN), and
// `logclaw --help` loads none of the heavy clients nor the contract's schemas.
import { readFileSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { sourceRoot } from '../../electron/services/paths.js';
import { LOGCLAW_BIN } from '../support/cli.js';
import { useTempDir } from '../support/temp.js';

const HEAVY = ['kafkajs', '@kubernetes/client-node', '@opensearch-project/opensearch', 'zod'];
const packageOf = (input: string) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1];
const tempDir = useTempDir('logclaw-compiled-');

interface Metafile {
  outputs: Record<string, { inputs: Record<string, unknown> }>;
}

/** Every file Node loads while running `node <args>`, reported by a load hook (written synchronously to stderr). */
const LOAD_HOOK = `data:text/javascript,import{register}from"node:module";register(${JSON.stringify(
  'data:text/javascript,import{writeSync}from"node:fs";export async function load(url,context,next){writeSync(2,"LOADED "+url+"\\n");return next(url,context)}',
)})`;

describe('compiled CLI', () => {
  it('`logclaw --help` runs from the bundle and loads no chunk holding kafkajs, client-node, opensearch or zod', async () => {
    const result = await execa(process.execPath, ['--import', LOAD_HOOK, LOGCLAW_BIN, '--help'], { reject: false });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^logclaw: run and inspect the LogClaw stack/);
    const loaded = [...result.stderr.matchAll(/^LOADED file:\/\/(.+)$/gm)].map((match) => match[1]!);
    const cliDir = dirname(LOGCLAW_BIN);
    expect(loaded).toContain(LOGCLAW_BIN);
    expect(loaded.filter((file) => file.startsWith(sourceRoot()) && !file.startsWith(cliDir))).toEqual([]);

    const meta = JSON.parse(readFileSync(join(cliDir, 'meta.json'), 'utf8')) as Metafile;
    const inputsOf = (file: string) => Object.keys(meta.outputs[relative(sourceRoot(), file)]!.inputs);
    const loadedInputs = loaded.filter((file) => file.startsWith(cliDir)).flatMap(inputsOf);
    expect(new Set(loadedInputs.map(packageOf).filter((name) => name && HEAVY.includes(name)))).toEqual(new Set());
    // They are in the bundle, in chunks that commands import when they run.
    const allPackages = new Set(Object.values(meta.outputs).flatMap((output) => Object.keys(output.inputs).map(packageOf)));
    for (const name of HEAVY) expect(allPackages).toContain(name);
  });

  it('`npx logclaw` (the package bin) from a fresh clone asks for the build, and after the install step that builds it runs the compiled CLI', async () => {
    const clone = join(tempDir(), 'logclaw');
    await execa('git', ['clone', '--quiet', '--depth', '1', `file://${sourceRoot()}`, clone]);
    // Stands in for the packages `npm install` downloads; its `prepare` then builds the bundle.
    symlinkSync(join(sourceRoot(), 'node_modules'), join(clone, 'node_modules'));
    // What `npx logclaw` runs there: the package's bin. Not npx itself: finding the shared node_modules'
    // hidden lockfile out of date for the clone, npm reifies it (running `prepare`) through the link.
    const logclaw = (args: string[]) =>
      execa(process.execPath, [join(clone, 'bin', 'logclaw.mjs'), ...args], { cwd: clone, reject: false });

    const before = await logclaw(['--help']);
    expect(before.exitCode).toBe(1);
    expect(before.stderr).toContain('the CLI bundle (dist/cli/logclaw.mjs) is not built');
    expect(before.stderr).toContain('npm run build:cli');

    const prepare = (JSON.parse(readFileSync(join(clone, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.prepare;
    expect(prepare).toMatch(/^npm run build:cli && /);
    expect((await execa('npm', ['run', '--silent', 'build:cli'], { cwd: clone, reject: false })).exitCode).toBe(0);
    const after = await logclaw(['--help']);
    expect(after.stderr).toBe('');
    expect(after.exitCode).toBe(0);
    expect(after.stdout).toMatch(/^logclaw: run and inspect the LogClaw stack/);

    // A source edited after the build makes the bundle stale: the CLI says so instead of running old code.
    const edited = join(clone, 'electron', 'cli', 'output.ts');
    await execa('touch', ['-d', '+1 minute', edited]);
    const stale = await logclaw(['--help']);
    expect(stale.exitCode).toBe(1);
    expect(stale.stderr).toContain('is older than electron/cli/output.ts');
  });
});
