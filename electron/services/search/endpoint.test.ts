import { errors } from '@opensearch-project/opensearch';
import { describe, expect, it } from 'vitest';
import { shellQuote } from '#contract/command.js';
import { AppError } from '#contract/index.js';
import { clientConfig, connectionView, curlCommand, normalizeEndpoint } from './endpoint.js';
import { toAppError } from './errors.js';
import { parseDsl } from './results.js';

describe('search endpoint', () => {
  it('moves credentials out of the URL and drops trailing slashes', () => {
    expect(normalizeEndpoint({ url: 'https://admin:s%40cret@os.example:9200/' })).toEqual({
      url: 'https://os.example:9200',
      username: 'admin',
      password: 's@cret',
    });
    expect(normalizeEndpoint({ url: 'http://localhost:9200/proxy/os/', username: 'u', password: '' })).toEqual({
      url: 'http://localhost:9200/proxy/os',
      username: 'u',
    });
    expect(connectionView({ url: 'https://x:9200', username: 'u', password: 'p', insecure: true })).toEqual({
      url: 'https://x:9200',
      username: 'u',
      hasPassword: true,
      insecure: true,
    });
  });

  it('builds client options: basic auth, TLS verification on unless insecure, a readable CA file', async () => {
    expect(await clientConfig({ url: 'http://localhost:9200' })).toEqual({ node: 'http://localhost:9200' });
    expect(await clientConfig({ url: 'https://x:9200', username: 'u', password: 'p' })).toEqual({
      node: 'https://x:9200',
      auth: { username: 'u', password: 'p' },
      ssl: { rejectUnauthorized: true },
    });
    expect((await clientConfig({ url: 'https://x:9200', insecure: true })).ssl).toEqual({ rejectUnauthorized: false });
    await expect(clientConfig({ url: 'https://x:9200', caFile: '/nowhere/ca.pem' })).rejects.toMatchObject({
      code: 'OPENSEARCH_UNREACHABLE',
      message: expect.stringContaining('ENOENT'),
    });
  });

  it('prints curl without the password, quoting for the shell', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(
      curlCommand(
        { url: 'https://os:9200', username: 'admin', password: 'secret', caFile: '/ca.pem', insecure: true },
        'POST',
        '/logclaw-logs-*/_search',
        '{"a":"b c"}',
      ),
    ).toBe(
      `curl -sS -X POST 'https://os:9200/logclaw-logs-*/_search' -u admin --cacert /ca.pem -k -H 'Content-Type: application/json' -d '{"a":"b c"}'`,
    );
  });
});

describe('search errors', () => {
  const where = { url: 'http://localhost:9200', action: 'search x', https: false, tenant: 'dev-local' };

  it('turns connection failures into OPENSEARCH_UNREACHABLE naming the forward', () => {
    const error = toAppError(new errors.ConnectionError('connect ECONNREFUSED 127.0.0.1:9200'), where);
    expect(error).toMatchObject({
      code: 'OPENSEARCH_UNREACHABLE',
      message: 'OpenSearch at http://localhost:9200 is not reachable (connect ECONNREFUSED 127.0.0.1:9200)',
    });
    expect(error.hint).toContain('port-forward svc/logclaw-opensearch-dev-local 9200:9200');
    const tls = toAppError(new errors.ConnectionError('self-signed certificate'), { ...where, https: true });
    expect(tls.hint).toContain('CA file');
    const plain = toAppError(new errors.ConnectionError('socket hang up'), where);
    expect(plain.hint).toContain('https://');
  });

  it('keeps OpenSearch’s reason and position and drops the request meta (credentials)', () => {
    const meta = {
      statusCode: 400,
      body: {
        error: {
          root_cause: [{ type: 'parsing_exception', reason: 'unknown query [x]', line: 3, col: 9 }],
          type: 'parsing_exception',
          reason: 'unknown query [x]',
          line: 3,
          col: 9,
        },
        status: 400,
      },
      meta: { request: { params: { headers: { authorization: 'Basic c2VjcmV0' } } } },
    };
    const error = toAppError(new errors.ResponseError(meta as never), where);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: 'QUERY_INVALID',
      message: 'OpenSearch rejected the query: unknown query [x] (line 3, column 9)',
      detail: { line: 3, col: 9, positionIn: 'body', status: 400 },
    });
    expect(JSON.stringify(error.toPayload())).not.toContain('c2VjcmV0');
    const unauthorized = toAppError(new errors.ResponseError({ statusCode: 401, body: 'Unauthorized', meta } as never), where);
    expect(unauthorized).toMatchObject({ code: 'OPENSEARCH_UNREACHABLE', message: expect.stringContaining('refused the credentials') });
    expect(JSON.stringify(unauthorized.toPayload())).not.toContain('c2VjcmV0');
  });

  it('reports DSL syntax errors with line and column', () => {
    expect(() => parseDsl('{\n  "query": {\n    "match_all": {}\n  },\n}')).toThrowError(
      expect.objectContaining({ code: 'QUERY_INVALID', detail: expect.objectContaining({ line: 5, col: 1 }) }),
    );
    expect(() => parseDsl('[1]')).toThrowError(expect.objectContaining({ code: 'QUERY_INVALID' }));
    expect(parseDsl('{"size": 1}')).toEqual({ size: 1 });
  });
});
