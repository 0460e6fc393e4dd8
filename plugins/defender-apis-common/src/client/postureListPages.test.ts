import { ResponseError } from '@backstage/errors';
import { PostureList, PostureListQuery } from '../types';
import { mockApiPosture } from '../testUtils';
import { describeBackendFailure } from './describeBackendFailure';
import { postureListPages } from './postureListPages';

function page(names: string[], nextCursor?: string): PostureList {
  return {
    items: names.map(name => mockApiPosture(name)),
    totalItems: 3,
    limit: 500,
    nextCursor,
  };
}

async function readAll(pages: Record<string, PostureList>) {
  const calls: Array<{ query?: PostureListQuery; token?: string }> = [];
  let tokens = 0;
  const api = {
    listPostures: async (
      query?: PostureListQuery,
      options?: { token?: string },
    ) => {
      calls.push({ query, token: options?.token });
      return pages[query?.cursor ?? 'first'];
    },
  };
  const names: string[] = [];
  for await (const answer of postureListPages(api, {
    query: { status: ['protected'] },
    requestOptions: async () => ({ token: `token-${++tokens}` }),
  })) {
    names.push(...answer.items.map(item => item.entityRef));
  }
  return { calls, names };
}

describe('postureListPages', () => {
  it('reads every page in pages of 500, with a fresh token for each', async () => {
    const { calls, names } = await readAll({
      first: page(['a', 'b'], 'c2'),
      c2: page(['c']),
    });
    expect(names).toEqual(['api:default/a', 'api:default/b', 'api:default/c']);
    expect(calls).toEqual([
      {
        query: { status: ['protected'], limit: 500, cursor: undefined },
        token: 'token-1',
      },
      {
        query: { status: ['protected'], limit: 500, cursor: 'c2' },
        token: 'token-2',
      },
    ]);
  });

  it('stops when the backend answers a cursor it already gave', async () => {
    await expect(
      readAll({ first: page(['a'], 'c2'), c2: page(['b'], 'c2') }),
    ).rejects.toThrow(
      'GET /posture answered the cursor c2 twice; stopped reading',
    );
  });
});

describe('describeBackendFailure', () => {
  it("names the reader, the route, the status and the backend's message", async () => {
    const response = new Response(
      JSON.stringify({
        error: { name: 'Error', message: 'store unavailable' },
        request: { method: 'GET', url: '/api/defender-apis/posture' },
        response: { statusCode: 503 },
      }),
      {
        status: 503,
        statusText: 'Service Unavailable',
        headers: { 'content-type': 'application/json' },
      },
    );
    const error = await ResponseError.fromResponse(response);
    const described = describeBackendFailure(
      'Reader',
      'GET /api/defender-apis/posture',
      error,
    );
    expect(described.message).toBe(
      'Reader: GET /api/defender-apis/posture failed with status 503 Service Unavailable: store unavailable',
    );
    expect(described.cause).toBe(error);
  });

  it('keeps the message of an error that is not an HTTP answer', () => {
    expect(
      describeBackendFailure('Reader', 'GET /x', new Error('socket hang up'))
        .message,
    ).toBe('Reader: socket hang up');
  });
});
