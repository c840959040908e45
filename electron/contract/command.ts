// Commands as values: a kind/helm/kubectl/docker call is built once as a ToolCommand, run by the one
// exec wrapper and rendered by shellLine() wherever a person is shown it (timeline, "copy as
// command", the doctor's fixes, the CLI), so what the user sees is what ran. Pure: no node imports.

export interface ToolCommand {
  /** The tool's name; the exec wrapper resolves it to a binary, shellLine() prints it as is. */
  tool: string;
  args: string[];
  /** Text written to the tool's standard input (shown as a here-document). */
  stdin?: string;
  /** Environment set for this call on top of the inherited one (e.g. KUBECONFIG with several files). */
  env?: Record<string, string>;
  /** Secrets masked wherever the command or its output is shown. */
  redact?: string[];
}

const SAFE_WORD = /^[\w@%+=:,./-]+$/;
export const REDACTED = '••••';

/** One word for a POSIX shell: left bare when it is safe, single-quoted otherwise. */
export function shellQuote(word: string): string {
  return SAFE_WORD.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

/** Masks every secret of at least 4 characters (shorter ones would mask ordinary words). */
export function redactText(text: string, secrets: readonly string[] = []): string {
  return secrets.filter((secret) => secret.length >= 4).reduce((acc, secret) => acc.split(secret).join(REDACTED), text);
}

/** A plain argv (tool first) as one shell-safe line. */
export function shellWords(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

/** The command as a person would type it: `ENV=… tool args…`, stdin as a here-document, secrets masked. */
export function shellLine(command: ToolCommand): string {
  const env = Object.entries(command.env ?? {}).map(([name, value]) => `${name}=${shellQuote(value)}`);
  let line = [...env, shellWords([command.tool, ...command.args])].join(' ');
  if (command.stdin !== undefined) {
    const body = command.stdin.endsWith('\n') ? command.stdin : `${command.stdin}\n`;
    line += ` <<'EOF'\n${body}EOF`;
  }
  return redactText(line, command.redact);
}
