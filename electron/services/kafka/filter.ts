// Tail filters, compiled once per tail: text in key or value, text in key, and a JSON path into the
// value (existing, or equal to a given text). Values are parsed only when a JSON path is asked for.
import { AppError } from '#contract/errors.js';
import type { TailFilter } from '#contract/kafka.js';

export interface Candidate {
  key: string | null;
  value: string | null;
}

export type MessageFilter = ((message: Candidate) => boolean) & { readonly needsText: boolean };

function containsIgnoringCase(text: string): RegExp {
  return new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
}

/** `$.a.b[0].c`, `a.b.0.c`, `$["odd key"].x` → ['a', 'b', 0, 'c']. */
export function parseJsonPath(path: string): Array<string | number> {
  let rest = path.trim();
  if (rest.startsWith('$')) rest = rest.slice(1);
  const segments: Array<string | number> = [];
  const pattern = /^(?:\.?([A-Za-z_$@][\w$@-]*)|\[(\d+)\]|\[\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\s*\]|\.(\d+))/;
  while (rest.length) {
    const match = pattern.exec(rest);
    if (!match) {
      throw new AppError('INVALID_REQUEST', `Cannot read the JSON path "${path}" at "${rest}"`, {
        hint: 'Write it like $.level, kubernetes.pod_name or items[0].id.',
      });
    }
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else if (match[3] !== undefined) segments.push(JSON.parse(`"${match[3]}"`) as string);
    else if (match[4] !== undefined) segments.push(match[4].replace(/\\(.)/g, '$1'));
    else if (match[5] !== undefined) segments.push(Number(match[5]));
    rest = rest.slice(match[0].length);
  }
  if (segments.length === 0)
    throw new AppError('INVALID_REQUEST', `The JSON path "${path}" names nothing`, { hint: 'Write it like $.level.' });
  return segments;
}

export function readJsonPath(root: unknown, segments: ReadonlyArray<string | number>): unknown {
  let current = root;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

function textOf(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function compileFilter(filter: TailFilter): MessageFilter {
  const tests: Array<(message: Candidate) => boolean> = [];
  if (filter.text) {
    const re = containsIgnoringCase(filter.text);
    tests.push((m) => (m.value !== null && re.test(m.value)) || (m.key !== null && re.test(m.key)));
  }
  if (filter.key) {
    const re = containsIgnoringCase(filter.key);
    tests.push((m) => m.key !== null && re.test(m.key));
  }
  if (filter.jsonPath) {
    const segments = parseJsonPath(filter.jsonPath);
    const expected = filter.jsonEquals;
    tests.push((m) => {
      if (m.value === null) return false;
      let parsed: unknown;
      try {
        parsed = JSON.parse(m.value);
      } catch {
        return false;
      }
      const found = readJsonPath(parsed, segments);
      if (expected === undefined) return found !== undefined && found !== null;
      return found !== undefined && (textOf(found) === expected || JSON.stringify(found) === expected);
    });
  }
  const fn = (tests.length === 0 ? () => true : (m: Candidate) => tests.every((test) => test(m))) as MessageFilter;
  Object.defineProperty(fn, 'needsText', { value: tests.length > 0 });
  return fn;
}
