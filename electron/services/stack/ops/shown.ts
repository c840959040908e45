// What a step or a fix shows a person, in the order it happens: the commands the app runs, rendered
// from the very values it executes, and kubectl equivalents of what it does by other means (its
// own readiness watches, client-node reads and writes, checks). An equivalent ends in a trailing
// "# equivalent" comment rather than starting with one: a copied list still runs as a script, and
// no line passes for something the app ran.
import { type ToolCommand, shellLine } from '#contract/command.js';
import type { ToolCall } from '../../tools/tools-service.js';

export type Shown = { run: ToolCall } | { equivalent: ToolCommand[] };

export const EQUIVALENT_MARK = '# equivalent';

export const runs = (command: ToolCall): Shown => ({ run: command });

/** One command, or a pipeline (only its last command may read a here-document). */
export const equivalent = (...pipeline: ToolCommand[]): Shown => ({ equivalent: pipeline });

export function renderShown(shown: Shown): string {
  if ('run' in shown) return shellLine(shown.run);
  const [first = '', ...rest] = shown.equivalent.map(shellLine).join(' | ').split('\n');
  return [`${first}  ${EQUIVALENT_MARK}`, ...rest].join('\n');
}

/** A rendered line that is an equivalent, not a command the app runs. */
export function isEquivalentLine(line: string): boolean {
  return (line.split('\n')[0] ?? '').endsWith(`  ${EQUIVALENT_MARK}`);
}
