import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { execa } from 'execa';
import { type ToolCommand, redactText } from '#contract/command.js';
import { AppError, type ErrorCode } from '#contract/index.js';

export interface RunOptions {
  signal?: AbortSignal;
  /** Extra environment; the parent environment is inherited. */
  env?: Record<string, string>;
  cwd?: string;
  input?: string;
  timeoutMs?: number;
  /** Each output line as it arrives (progress comes from these, never from guesses). */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Substrings (secrets) masked in errors and streamed lines. */
  redact?: string[];
}

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/**
 * Sees every run at the exec boundary, as what is handed to the operating system: the argv, the
 * environment set on top of the inherited one, stdin (tests record it to compare with what was shown).
 */
export type ExecObserver = (execution: ToolCommand & { binary: string }) => void;

const STDERR_TAIL_LINES = 20;

/** A tool that ran and failed; carries what the failure card and "copy details" need. */
export class ToolError extends AppError {
  readonly tool: string;
  readonly args: string[];
  readonly exitCode: number | null;
  readonly stderrTail: string[];

  constructor(
    code: ErrorCode,
    message: string,
    fields: { tool: string; args: string[]; exitCode: number | null; stderrTail: string[]; hint?: string },
  ) {
    super(code, message, {
      hint: fields.hint,
      detail: { tool: fields.tool, args: fields.args, exitCode: fields.exitCode, stderrTail: fields.stderrTail },
    });
    this.name = 'ToolError';
    this.tool = fields.tool;
    this.args = fields.args;
    this.exitCode = fields.exitCode;
    this.stderrTail = fields.stderrTail;
  }
}

/** Runs one binary without a shell, streaming lines, cancellable, with typed failures. */
export async function runBinary(
  tool: string,
  binary: string,
  args: string[],
  options: RunOptions = {},
  observe?: ExecObserver,
): Promise<RunResult> {
  const mask = (text: string) => redactText(text, options.redact);
  const shownArgs = args.map(mask);
  const env = { ...options.env };
  observe?.({
    tool,
    binary,
    args,
    ...(Object.keys(env).length ? { env } : {}),
    ...(options.input === undefined ? {} : { stdin: options.input }),
    ...(options.redact?.length ? { redact: options.redact } : {}),
  });

  const child = execa(binary, args, {
    env,
    extendEnv: true,
    cwd: options.cwd,
    input: options.input,
    stdin: options.input === undefined ? 'ignore' : undefined,
    cancelSignal: options.signal,
    timeout: options.timeoutMs,
    reject: false,
    windowsHide: true,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (options.onLine) {
    const onLine = options.onLine;
    forwardLines(child.stdout, (line) => onLine(mask(line), 'stdout'));
    forwardLines(child.stderr, (line) => onLine(mask(line), 'stderr'));
  }
  const result = await child;
  const stdout = String(result.stdout ?? '');
  const stderr = String(result.stderr ?? '');
  const stderrTail = stderr.split('\n').filter(Boolean).slice(-STDERR_TAIL_LINES).map(mask);
  const fields = { tool, args: shownArgs, exitCode: result.exitCode ?? null, stderrTail };

  if (result.isCanceled) throw new ToolError('CANCELLED', `${tool} was cancelled`, fields);
  if (result.timedOut) {
    throw new ToolError('TIMEOUT', `${tool} ${shownArgs[0] ?? ''} did not finish within ${options.timeoutMs} ms`, fields);
  }
  if ((result as { code?: string }).code === 'ENOENT') {
    throw new ToolError('TOOL_NOT_FOUND', `${tool} could not be started: ${binary} does not exist`, {
      ...fields,
      hint: `Check the path of ${tool} in Settings → Prerequisites.`,
    });
  }
  if (result.failed) {
    const last = stderrTail.at(-1) ?? (result.signal ? `killed by ${result.signal}` : 'no error output');
    throw new ToolError(
      tool === 'helm' ? 'HELM_FAILED' : 'TOOL_FAILED',
      `${tool} ${shownArgs.slice(0, 2).join(' ')} failed (exit ${result.exitCode ?? result.signal}): ${last}`,
      fields,
    );
  }
  return { stdout, stderr, exitCode: result.exitCode ?? 0 };
}

function forwardLines(stream: Readable | null | undefined, onLine: (line: string) => void): void {
  if (!stream) return;
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', onLine);
}
