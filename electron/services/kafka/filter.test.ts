import { describe, expect, it } from 'vitest';
import { compileFilter, parseJsonPath, readJsonPath } from './filter.js';

describe('tail filters', () => {
  it('parses JSON paths in the usual spellings', () => {
    expect(parseJsonPath('$.level')).toEqual(['level']);
    expect(parseJsonPath('kubernetes.pod_name')).toEqual(['kubernetes', 'pod_name']);
    expect(parseJsonPath('$.items[0].id')).toEqual(['items', 0, 'id']);
    expect(parseJsonPath('items.2')).toEqual(['items', 2]);
    expect(parseJsonPath('$["odd key"].x')).toEqual(['odd key', 'x']);
    expect(readJsonPath({ a: [{ b: 7 }] }, parseJsonPath('a[0].b'))).toBe(7);
    expect(() => parseJsonPath('a..b')).toThrowError(expect.objectContaining({ code: 'INVALID_REQUEST' }));
    expect(() => parseJsonPath('$')).toThrowError(/names nothing/);
  });

  it('matches text in key or value ignoring case, key text, and JSON path existence or equality', () => {
    const m = (key: string | null, value: string | null) => ({ key, value });
    const text = compileFilter({ text: 'ERROR' });
    expect(text(m(null, '{"level":"error"}'))).toBe(true);
    expect(text(m('error-key', '{}'))).toBe(true);
    expect(text(m(null, null))).toBe(false);
    expect(compileFilter({ text: 'a.b' })(m(null, 'axb'))).toBe(false);

    const key = compileFilter({ key: 'pod-1' });
    expect(key(m('POD-12', 'x'))).toBe(true);
    expect(key(m(null, 'pod-1'))).toBe(false);

    const exists = compileFilter({ jsonPath: 'trace.id' });
    expect(exists(m(null, '{"trace":{"id":"abc"}}'))).toBe(true);
    expect(exists(m(null, '{"trace":{}}'))).toBe(false);
    expect(exists(m(null, 'not json'))).toBe(false);

    const equals = compileFilter({ jsonPath: '$.status', jsonEquals: '500' });
    expect(equals(m(null, '{"status":500}'))).toBe(true);
    expect(equals(m(null, '{"status":"500"}'))).toBe(true);
    expect(equals(m(null, '{"status":200}'))).toBe(false);
    expect(compileFilter({ jsonPath: 'tags', jsonEquals: '["a"]' })(m(null, '{"tags":["a"]}'))).toBe(true);

    const both = compileFilter({ text: 'checkout', jsonPath: 'level', jsonEquals: 'error' });
    expect(both(m(null, '{"level":"error","svc":"checkout"}'))).toBe(true);
    expect(both(m(null, '{"level":"info","svc":"checkout"}'))).toBe(false);
    expect(compileFilter({}).needsText).toBe(false);
  });
});
