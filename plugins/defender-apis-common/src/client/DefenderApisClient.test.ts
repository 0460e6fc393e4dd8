import { ResponseError } from '@backstage/errors';
import { DefenderApisClient } from './DefenderApisClient';

const BASE_URL = 'http://backstage.test/api/defender-apis';

function jsonResponse(
  body: unknown,
  status = 200,
  statusText = 'OK',
): Response {
  return new Response(JSON.stringify(body), {
    status,
    statusText,
    headers: { 'content-type': 'application/json' },
  });
}

function setup(response: Response) {
  const fetch = jest.fn(async (_url: string, _init?: RequestInit) => response);
  const getBaseUrl = jest.fn(async (_pluginId: string) => BASE_URL);
  const client = new DefenderApisClient({
    discoveryApi: { getBaseUrl },
    fetchApi: { fetch: fetch as unknown as typeof globalThis.fetch },
  });
  return { client, fetch, getBaseUrl };
}

const petstore = { kind: 'API', namespace: 'default', name: 'petstore' };

describe('DefenderApisClient', () => {
  it('reads a posture with GET from the plugin base URL', async () => {
    const body = { entityRef: 'api:default/petstore', status: 'protected' };
    const { client, fetch, getBaseUrl } = setup(jsonResponse(body));

    await expect(client.getPosture(petstore)).resolves.toEqual(body);
    expect(getBaseUrl).toHaveBeenCalledWith('defender-apis');
    expect(fetch).toHaveBeenCalledWith(
      `${BASE_URL}/posture/API/default/petstore`,
      {
        method: 'GET',
      },
    );
  });

  it('encodes every path segment so a name cannot change the route', async () => {
    const { client, fetch } = setup(jsonResponse({}));

    await client.getPosture({
      kind: 'API',
      namespace: 'a/../b',
      name: 'x?y#z',
    });
    expect(fetch.mock.calls[0][0]).toBe(
      `${BASE_URL}/posture/API/a%2F..%2Fb/x%3Fy%23z`,
    );
  });

  it("reads the caller's access with GET from the posture's access route", async () => {
    const { client, fetch } = setup(jsonResponse({ canOnboard: true }));

    await expect(client.getPostureAccess(petstore)).resolves.toEqual({
      canOnboard: true,
    });
    expect(fetch).toHaveBeenCalledWith(
      `${BASE_URL}/posture/API/default/petstore/access`,
      { method: 'GET' },
    );
  });

  it('onboards with POST to the onboard route and returns the posture', async () => {
    const body = { entityRef: 'api:default/petstore', status: 'onboarding' };
    const { client, fetch } = setup(jsonResponse(body, 202, 'Accepted'));

    await expect(client.onboard(petstore)).resolves.toEqual(body);
    expect(fetch).toHaveBeenCalledWith(
      `${BASE_URL}/posture/API/default/petstore/onboard`,
      {
        method: 'POST',
      },
    );
  });

  it('offboards with DELETE on the onboard route and returns the posture', async () => {
    const body = { entityRef: 'api:default/petstore', status: 'notOnboarded' };
    const { client, fetch } = setup(jsonResponse(body));

    await expect(client.offboard(petstore)).resolves.toEqual(body);
    expect(fetch).toHaveBeenCalledWith(
      `${BASE_URL}/posture/API/default/petstore/onboard`,
      { method: 'DELETE' },
    );
  });

  it('lists postures without a query string when no query is given', async () => {
    const body = { items: [], totalItems: 0, offset: 0, limit: 100 };
    const { client, fetch } = setup(jsonResponse(body));

    await expect(client.listPostures()).resolves.toEqual(body);
    expect(fetch).toHaveBeenCalledWith(`${BASE_URL}/posture`, {
      method: 'GET',
    });
  });

  it('lists postures with filters, search, sort and paging in the query string', async () => {
    const { client, fetch } = setup(
      jsonResponse({ items: [], totalItems: 0, offset: 500, limit: 500 }),
    );

    await client.listPostures({
      owner: ['group:default/team-payments'],
      system: ['system:default/payments'],
      domain: ['domain:default/commerce'],
      lifecycle: ['production'],
      status: ['atRisk'],
      q: 'pet store',
      sort: 'status',
      order: 'desc',
      offset: 500,
      limit: 500,
    });
    const url = new URL(fetch.mock.calls[0][0]);
    expect(`${url.origin}${url.pathname}`).toBe(`${BASE_URL}/posture`);
    expect([...url.searchParams]).toEqual([
      ['owner', 'group:default/team-payments'],
      ['system', 'system:default/payments'],
      ['domain', 'domain:default/commerce'],
      ['lifecycle', 'production'],
      ['status', 'atRisk'],
      ['q', 'pet store'],
      ['sort', 'status'],
      ['order', 'desc'],
      ['offset', '500'],
      ['limit', '500'],
    ]);
  });

  it('repeats a parameter once per value of a filter', async () => {
    const { client, fetch } = setup(
      jsonResponse({ items: [], totalItems: 0, offset: 0, limit: 100 }),
    );

    await client.listPostures({
      owner: ['group:default/team-payments', 'user:default/jane'],
      status: ['atRisk', 'error', 'notOnboarded'],
    });
    const url = new URL(fetch.mock.calls[0][0]);
    expect(url.searchParams.getAll('owner')).toEqual([
      'group:default/team-payments',
      'user:default/jane',
    ]);
    expect(url.searchParams.getAll('status')).toEqual([
      'atRisk',
      'error',
      'notOnboarded',
    ]);
  });

  it('reads the next page with the cursor the backend gave, instead of an offset', async () => {
    const { client, fetch } = setup(
      jsonResponse({ items: [], totalItems: 0, limit: 500 }),
    );

    await client.listPostures({
      status: ['notOnboarded'],
      cursor: 'eyJrIjpbImFwaTpkZWZhdWx0L3oiXX0=',
      limit: 500,
    });
    const url = new URL(fetch.mock.calls[0][0]);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      status: 'notOnboarded',
      cursor: 'eyJrIjpbImFwaTpkZWZhdWx0L3oiXX0=',
      limit: '500',
    });
  });

  it('leaves out empty filters and an empty search', async () => {
    const { client, fetch } = setup(
      jsonResponse({ items: [], totalItems: 0, offset: 0, limit: 100 }),
    );

    await client.listPostures({ owner: [], status: [], q: '', limit: 20 });
    expect(fetch.mock.calls[0][0]).toBe(`${BASE_URL}/posture?limit=20`);
  });

  it('encodes query values so a filter or the search cannot add parameters', async () => {
    const { client, fetch } = setup(
      jsonResponse({ items: [], totalItems: 0, offset: 0, limit: 100 }),
    );

    await client.listPostures({
      owner: ['group:a&status=protected#x'],
      q: 'a+b&sort=owner',
      offset: 0,
    });
    const url = new URL(fetch.mock.calls[0][0]);
    expect(url.searchParams.getAll('owner')).toEqual([
      'group:a&status=protected#x',
    ]);
    expect(url.searchParams.get('q')).toBe('a+b&sort=owner');
    expect(url.searchParams.has('status')).toBe(false);
    expect(url.searchParams.has('sort')).toBe(false);
    expect(url.searchParams.get('offset')).toBe('0');
    expect(url.hash).toBe('');
  });

  it('asks for a batch with a JSON body, and reads and cancels it by encoded id', async () => {
    const body = { id: 'b-1', items: [] };
    const { client, fetch } = setup(jsonResponse(body, 202, 'Accepted'));
    fetch.mockImplementation(async () => jsonResponse(body));

    await expect(
      client.onboardBatch(['api:default/a', 'api:default/b']),
    ).resolves.toEqual(body);
    expect(fetch).toHaveBeenCalledWith(`${BASE_URL}/onboard`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ entityRefs: ['api:default/a', 'api:default/b'] }),
    });
    await client.getOnboardingBatch('b/1');
    expect(fetch.mock.calls[1]).toEqual([
      `${BASE_URL}/onboard/batches/b%2F1`,
      { method: 'GET' },
    ]);
    await client.cancelOnboardingBatch('b-1');
    expect(fetch.mock.calls[2]).toEqual([
      `${BASE_URL}/onboard/batches/b-1`,
      { method: 'DELETE' },
    ]);
  });

  it('lists shadow APIs with their filters, booleans as text, in the query', async () => {
    const body = { items: [], totalItems: 0, limit: 0 };
    const { client, fetch } = setup(jsonResponse(body));
    await expect(
      client.listShadowApis({
        service: ['apim-a', 'apim b'],
        onboarded: false,
        applicable: true,
        q: 'admin',
        limit: 0,
      }),
    ).resolves.toEqual(body);
    expect(fetch).toHaveBeenCalledWith(
      `${BASE_URL}/shadow-apis?service=apim-a&service=apim+b&onboarded=false&applicable=true&q=admin&limit=0`,
      { method: 'GET' },
    );
  });

  it('reads the summary with GET', async () => {
    const body = {
      total: 0,
      byStatus: {},
      onboarded: 0,
      applicable: 0,
      byOwner: {},
      bySystem: {},
      byDomain: {},
    };
    const { client, fetch } = setup(jsonResponse(body));

    await expect(client.getSummary()).resolves.toEqual(body);
    expect(fetch).toHaveBeenCalledWith(`${BASE_URL}/summary`, {
      method: 'GET',
    });
  });

  it("reads one group's or system's summary with its filters in the query", async () => {
    const { client, fetch } = setup(jsonResponse({ total: 1 }));
    await client.getSummary({
      owner: ['group:default/team a'],
      system: ['system:default/x', 'system:default/y'],
    });
    expect(fetch).toHaveBeenCalledWith(
      `${BASE_URL}/summary?owner=group%3Adefault%2Fteam+a&system=system%3Adefault%2Fx&system=system%3Adefault%2Fy`,
      { method: 'GET' },
    );
  });

  it("reads the catalog's history with the list's filters and a range, and one API's by encoded ref", async () => {
    const { client, fetch } = setup(jsonResponse({ days: [] }));
    fetch.mockImplementation(async () => jsonResponse({ days: [] }));
    await client.getHistory({
      owner: ['group:default/team a'],
      status: ['atRisk'],
      from: '2026-11-01',
    });
    expect(fetch).toHaveBeenCalledWith(
      `${BASE_URL}/history?owner=group%3Adefault%2Fteam+a&status=atRisk&from=2026-11-01`,
      { method: 'GET' },
    );
    await client.getApiHistory(
      { kind: 'API', namespace: 'default', name: 'a/b' },
      { to: '2026-12-01' },
    );
    expect(fetch).toHaveBeenLastCalledWith(
      `${BASE_URL}/history/API/default/a%2Fb?to=2026-12-01`,
      { method: 'GET' },
    );
  });

  it('throws a ResponseError when the list is refused', async () => {
    const { client } = setup(
      jsonResponse(
        {
          error: {
            name: 'InputError',
            message: 'Invalid query parameter limit',
          },
          response: { statusCode: 400 },
        },
        400,
        'Bad Request',
      ),
    );

    await expect(client.listPostures({ limit: 9000 })).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 400,
    });
  });

  it.each([
    [
      403,
      'Forbidden',
      'NotAllowedError',
      'Only the owners of api:default/petstore may onboard it',
    ],
    [
      409,
      'Conflict',
      'ConflictError',
      'api:default/petstore cannot be onboarded: plan off',
    ],
    [500, 'Internal Server Error', 'Error', 'boom'],
  ])(
    'throws a ResponseError carrying the backend error on %i',
    async (status, statusText, name, message) => {
      const { client } = setup(
        jsonResponse(
          { error: { name, message }, response: { statusCode: status } },
          status,
          statusText,
        ),
      );

      const error = await client.onboard(petstore).catch(e => e);
      expect(error).toBeInstanceOf(ResponseError);
      expect(error.statusCode).toBe(status);
      expect(error.cause.name).toBe(name);
      expect(error.cause.message).toBe(message);
    },
  );

  it('throws a ResponseError for a 404 on read', async () => {
    const { client } = setup(
      jsonResponse(
        {
          error: {
            name: 'NotFoundError',
            message: 'No entity api:default/petstore',
          },
          response: { statusCode: 404 },
        },
        404,
        'Not Found',
      ),
    );

    await expect(client.getPosture(petstore)).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 404,
    });
  });

  it('sends the token of the request options as a bearer token, with the JSON body', async () => {
    const { client, fetch } = setup(jsonResponse({ id: 'b-1', items: [] }));
    fetch.mockImplementation(async () =>
      jsonResponse({ id: 'b-1', items: [] }),
    );

    await client.getPosture(petstore, { token: 'service-token' });
    expect(fetch).toHaveBeenCalledWith(
      `${BASE_URL}/posture/API/default/petstore`,
      { method: 'GET', headers: { Authorization: 'Bearer service-token' } },
    );
    await client.onboardBatch(['api:default/a'], { token: 'service-token' });
    expect(fetch.mock.calls[1][1]).toEqual({
      method: 'POST',
      headers: {
        Authorization: 'Bearer service-token',
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ entityRefs: ['api:default/a'] }),
    });
  });

  it('uses the global fetch when no fetchApi is given', async () => {
    const globalFetch = jest
      .spyOn(globalThis, 'fetch')
      .mockResolvedValue(jsonResponse({ total: 3 }));
    try {
      const client = new DefenderApisClient({
        discoveryApi: { getBaseUrl: async () => BASE_URL },
      });
      await expect(client.getSummary()).resolves.toEqual({ total: 3 });
      expect(globalFetch).toHaveBeenCalledWith(`${BASE_URL}/summary`, {
        method: 'GET',
      });
    } finally {
      globalFetch.mockRestore();
    }
  });
});
