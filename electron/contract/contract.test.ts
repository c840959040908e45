import { describe, expect, it } from 'vitest';
import {
  AppError,
  CHANNELS,
  ERROR_CODES,
  EVENTS,
  fail,
  invokeSchemas,
  eventSchemas,
  ok,
  parseRequest,
  toErrorPayload,
  unwrap,
} from './index.js';

describe('contract', () => {
  it('lists every channel and event with schemas', () => {
    expect(Object.keys(invokeSchemas).sort()).toEqual([...CHANNELS].sort());
    expect(Object.keys(eventSchemas).sort()).toEqual([...EVENTS].sort());
    for (const channel of CHANNELS) expect(channel).toMatch(/^[a-z]+:[a-zA-Z]+$/);
  });

  it('fills defaults and accepts a valid request', () => {
    expect(parseRequest('tools:detect', undefined)).toEqual({});
    expect(parseRequest('tools:detect', { only: ['helm'] })).toEqual({ only: ['helm'] });
    expect(parseRequest('jobs:lines', { id: 'x' })).toEqual({ id: 'x', tail: 500 });
  });

  it('rejects an unknown channel with UNKNOWN_CHANNEL', () => {
    expect(() => parseRequest('nope:nothing', {})).toThrowError(expect.objectContaining({ code: 'UNKNOWN_CHANNEL' }));
  });

  it('rejects a schema-invalid payload with INVALID_REQUEST naming the field', () => {
    let caught: unknown;
    try {
      parseRequest('tools:detect', { only: ['vim'] });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect((caught as AppError).code).toBe('INVALID_REQUEST');
    expect((caught as AppError).message).toContain('only.0');
  });

  it('rejects extra fields (strict requests)', () => {
    expect(() => parseRequest('settings:update', { theme: 'dark', evil: true })).toThrowError(/Unrecognized key/);
    expect(() => parseRequest('settings:update', { tenant: 'Not A Label' })).toThrowError(/DNS label/);
  });

  it('round-trips errors through the envelope as typed AppErrors', () => {
    const envelope = fail(new AppError('PORT_IN_USE', 'Port 9200 is taken', { hint: 'use 9201', detail: { port: 9200 } }));
    expect(envelope).toEqual({
      ok: false,
      error: { code: 'PORT_IN_USE', message: 'Port 9200 is taken', hint: 'use 9201', detail: { port: 9200 } },
    });
    const json = JSON.parse(JSON.stringify(envelope));
    expect(() => unwrap(json)).toThrowError(expect.objectContaining({ code: 'PORT_IN_USE', hint: 'use 9201' }));
    expect(unwrap(JSON.parse(JSON.stringify(ok(42))))).toBe(42);
  });

  it('maps unknown throws to INTERNAL and unknown codes back to INTERNAL', () => {
    expect(toErrorPayload(new TypeError('boom'))).toMatchObject({ code: 'INTERNAL', message: 'boom' });
    expect(toErrorPayload('plain')).toEqual({ code: 'INTERNAL', message: 'plain' });
    expect(AppError.fromPayload({ code: 'MADE_UP' as never, message: 'x' }).code).toBe('INTERNAL');
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
  });
});
