import { ResourceGraphClient } from '@azure/arm-resourcegraph';
import {
  generateScenario,
  startArmEmulator,
} from '@defender-apis/arm-emulator';
import { createCredential } from './credentials';
import {
  parseQuotaResetsAfter,
  ResourceGraphSecurityReader,
  SECURITY_QUERIES,
} from './resourceGraph';

const SUB_A = '11111111-1111-1111-1111-111111111111';
const SUB_B = '22222222-2222-2222-2222-222222222222';

jest.setTimeout(30_000);

describe('ResourceGraphSecurityReader', () => {
  it('pages through every query and waits for the quota to reset instead of being throttled', async () => {
    const emulator = await startArmEmulator({
      resourceGraph: { pageSize: 4, queriesPer5s: 2 },
    });
    try {
      const reader = new ResourceGraphSecurityReader(
        new ResourceGraphClient(createCredential({ type: 'emulator' }), {
          endpoint: emulator.url,
        }),
        () => ({}),
      );
      const started = Date.now();
      const data = await reader.read([SUB_A, SUB_B.toUpperCase()]);
      const elapsedMs = Date.now() - started;

      const collections = emulator.collections();
      const subA = data.get(SUB_A)!;
      expect([...data.keys()]).toEqual([SUB_A, SUB_B]);
      expect(
        [...data.values()].flatMap(d => d.collections.map(c => c.id)).sort(),
      ).toEqual(collections.map(c => c.id).sort());
      expect(subA.alerts.map(a => a.alertType).sort()).toEqual(
        [
          'API_AccessFromSuspiciousIP',
          'API_AccessFromTorExitNode',
          'API_ParameterEnumeration',
          'API_SpikeInAPITraffic',
          'API_UnseenParam',
        ].sort(),
      );
      expect(subA.assessments.length).toBeGreaterThan(0);

      const queries = emulator
        .requests()
        .filter(r => /resourcegraph/i.test(r.path));
      // Pages of four rows: more queries than the quota of two allows in one window.
      expect(queries.length).toBeGreaterThan(2);
      expect(queries.every(r => r.status === 200)).toBe(true);
      expect(elapsedMs).toBeGreaterThanOrEqual(1000);
      expect(
        new Set(queries.map(r => (r.body as { query: string }).query)),
      ).toEqual(
        new Set([
          SECURITY_QUERIES.collections,
          SECURITY_QUERIES.assessments,
          SECURITY_QUERIES.alerts,
        ]),
      );
    } finally {
      await emulator.close();
    }
  });
});

describe('ResourceGraphSecurityReader at scale', () => {
  it('reads collections and assessments one row per service: pages do not grow with the APIs', async () => {
    const scenario = generateScenario({ apis: 600, services: 3 });
    const subscriptionId = scenario.subscriptions[0].subscriptionId;
    const emulator = await startArmEmulator({
      scenario,
      resourceGraph: { pageSize: 10, queriesPer5s: 1000 },
    });
    try {
      const reader = new ResourceGraphSecurityReader(
        new ResourceGraphClient(createCredential({ type: 'emulator' }), {
          endpoint: emulator.url,
        }),
        () => ({}),
      );
      const data = (await reader.read([subscriptionId])).get(subscriptionId)!;
      expect(data.collections.map(c => c.id).sort()).toEqual(
        emulator
          .collections()
          .map(c => c.id)
          .sort(),
      );
      expect(data.collections.length).toBeGreaterThan(100);
      expect(data.assessments.length).toBeGreaterThan(100);
      const pagesOf = (query: string) =>
        emulator
          .requests()
          .filter(r => (r.body as { query?: string })?.query === query).length;
      // Three services: one page each, where rows per API would take 30 pages of ten.
      expect(pagesOf(SECURITY_QUERIES.collections)).toBe(1);
      expect(pagesOf(SECURITY_QUERIES.assessments)).toBe(1);
    } finally {
      await emulator.close();
    }
  });

  it('fails the read when Resource Graph truncates its answer without a way to page on', async () => {
    const reader = new ResourceGraphSecurityReader(
      {
        resources: async () => ({
          totalRecords: 5,
          count: 1,
          resultTruncated: 'true',
          data: [{ subscriptionId: SUB_A, items: [] }],
        }),
      },
      () => ({}),
    );
    await expect(reader.read([SUB_A])).rejects.toThrow(
      /truncated its answer \(1 of 5 rows\) without a skip token/,
    );
  });
});

describe('parseQuotaResetsAfter', () => {
  it.each([
    ['00:00:05', 5000],
    ['00:01:00', 60_000],
    ['1.02:00:03', (26 * 3600 + 3) * 1000],
    ['00:00:01.5', 1000],
    ['soon', 0],
    [undefined, 0],
  ])('reads %s as %d ms', (value, ms) => {
    expect(parseQuotaResetsAfter(value)).toBe(ms);
  });
});
