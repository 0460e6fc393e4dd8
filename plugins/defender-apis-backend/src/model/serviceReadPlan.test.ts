import { planServiceReads } from './serviceReadPlan';

const at = (hour: number) =>
  `2026-12-08T${String(hour).padStart(2, '0')}:00:00.000Z`;

describe('planServiceReads', () => {
  const keys = ['a', 'b', 'c', 'd', 'e'];

  it('reads every service when the estate is within the cap', () => {
    const stored = new Map(keys.map(k => [k, { listedAt: at(1) }]));
    const plan = planServiceReads({
      listed: keys,
      metered: [],
      stored,
      demand: new Set(),
      maxReads: 5,
      trafficStaleBefore: at(0),
    });
    expect([...plan.lists].sort()).toEqual(keys);
  });

  it('reads services never read beyond the cap, then wanted ones, then the longest unread', () => {
    const stored = new Map([
      ['a', { listedAt: at(3) }],
      ['b', { listedAt: at(1) }],
      ['c', { listedAt: at(2) }],
      ['d', { listedAt: at(4) }],
    ]);
    const plan = (maxReads: number, demand: string[] = []) =>
      [
        ...planServiceReads({
          listed: keys,
          metered: [],
          stored,
          demand: new Set(demand),
          maxReads,
          trafficStaleBefore: at(0),
        }).lists,
      ].sort();
    // e was never read: read whatever the cap; the cap's rest goes to the oldest.
    expect(plan(1)).toEqual(['e']);
    expect(plan(2)).toEqual(['b', 'e']);
    expect(plan(3)).toEqual(['b', 'c', 'e']);
    // d's list lacks an API an entity names: it goes before older ones.
    expect(plan(2, ['d'])).toEqual(['d', 'e']);
    expect(plan(3, ['d'])).toEqual(['b', 'd', 'e']);
  });

  it('reads a metric only when older than its lifetime, oldest first, under the same cap', () => {
    const stored = new Map([
      ['a', { listedAt: at(1), trafficReadAt: at(5) }],
      ['b', { listedAt: at(1), trafficReadAt: at(1) }],
      ['c', { listedAt: at(1), trafficReadAt: at(2) }],
      ['d', { listedAt: at(1), trafficReadAt: at(3) }],
      ['e', { listedAt: at(1) }],
    ]);
    const traffic = (maxReads: number) =>
      [
        ...planServiceReads({
          listed: [],
          metered: keys,
          stored,
          demand: new Set(),
          maxReads,
          trafficStaleBefore: at(4),
        }).traffic,
      ].sort();
    expect(traffic(10)).toEqual(['b', 'c', 'd', 'e']);
    expect(traffic(3)).toEqual(['b', 'c', 'e']);
    expect(traffic(1)).toEqual(['e']);
  });
});
