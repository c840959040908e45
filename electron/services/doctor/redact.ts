// Redaction for the support bundle: Secret data, credential-like keys and env vars, bearer tokens,
// kubeconfig credentials, URL passwords, and every known secret value (the app's dev secrets and
// the values of the Secrets read from the cluster) wherever they appear in text.
export const REDACTED = '[REDACTED]';

/** Keys whose string values are credentials (YAML/JSON keys, kubeconfig fields). */
const SENSITIVE_KEY =
  /(pass(word|wd)?|secret|token|api[-_]?key|private[-_]?key|credential|client-key-data|client-certificate-data|auth(orization)?$|fernet|sasl\.jaas|jaas)/i;
/** Env var names whose values are credentials. */
const SENSITIVE_ENV = /(PASSWORD|PASSWD|TOKEN|SECRET|KEY|CREDENTIAL|AUTH)/i;

export class Redactor {
  readonly #values = new Set<string>();
  count = 0;

  /** A secret value to mask wherever it appears (short values are ignored: they would mask ordinary words). */
  add(value: string | undefined | null): void {
    if (!value) return;
    const trimmed = value.trim();
    if (trimmed.length < 6) return;
    this.#values.add(trimmed);
    // Also its base64 form: a value may show up encoded (a Secret manifest in a helm release).
    this.#values.add(Buffer.from(trimmed).toString('base64'));
  }

  text(input: string): string {
    let out = input;
    const values = [...this.#values].sort((a, b) => b.length - a.length);
    for (const value of values) {
      if (!out.includes(value)) continue;
      const parts = out.split(value);
      this.count += parts.length - 1;
      out = parts.join(REDACTED);
    }
    const replace = (pattern: RegExp, by: string | ((...m: string[]) => string)) => {
      out = out.replace(pattern, (...match: string[]) => {
        this.count++;
        return typeof by === 'string' ? by : by(...match);
      });
    };
    replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, (_m, scheme) => `${scheme} ${REDACTED}`);
    replace(/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g, REDACTED);
    replace(/(\w+:\/\/[^/\s:@]+:)[^@\s/]+@/g, (_m, head) => `${head}${REDACTED}@`);
    replace(
      /((?:pass(?:word|wd)?|secret|token|api[-_]?key)\s*[=:]\s*)("?)(?!\[REDACTED\])[^\s",;'}]+\2/gi,
      (_m, head, quote) => `${head}${quote}${REDACTED}${quote}`,
    );
    return out;
  }

  /** A deep copy with credentials replaced, strings passed through `text`. */
  value<T>(input: T): T {
    return this.#walk(input, undefined) as T;
  }

  #walk(node: unknown, key: string | undefined, parent?: Record<string, unknown>): unknown {
    if (typeof node === 'string') {
      if (key && SENSITIVE_KEY.test(key) && node.length > 0 && !isReference(key, parent)) {
        this.count++;
        return REDACTED;
      }
      return this.text(node);
    }
    if (node instanceof Date) return node.toISOString();
    if (Array.isArray(node)) return node.map((item) => this.#walk(item, undefined));
    if (!node || typeof node !== 'object') return node;
    const object = node as Record<string, unknown>;
    // A Secret's data and stringData: every value, whatever its key.
    if (
      object.kind === 'Secret' ||
      (object.type !== undefined && typeof object.data === 'object' && object.metadata && !('spec' in object))
    ) {
      const copy: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(object))
        copy[k] = k === 'data' || k === 'stringData' ? redactAll(v, this) : this.#walk(v, k, object);
      return copy;
    }
    // An env var {name, value}.
    if (typeof object.name === 'string' && typeof object.value === 'string' && SENSITIVE_ENV.test(object.name)) {
      this.count++;
      return { ...object, value: REDACTED };
    }
    const copy: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(object)) copy[k] = this.#walk(v, k, object);
    return copy;
  }
}

/** `secretKeyRef: {name, key}` and `*SecretName` fields name a secret; they are not one. */
function isReference(key: string, parent: Record<string, unknown> | undefined): boolean {
  if (/name$|ref$/i.test(key)) return true;
  return (
    key === 'key' && parent !== undefined && 'name' in parent && Object.keys(parent).every((k) => ['name', 'key', 'optional'].includes(k))
  );
}

function redactAll(value: unknown, redactor: Redactor): unknown {
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value).map((k) => {
      redactor.count++;
      return [k, REDACTED];
    }),
  );
}
