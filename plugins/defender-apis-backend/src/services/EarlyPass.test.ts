import { EarlyPass } from './EarlyPass';

describe('EarlyPass', () => {
  const settled = () => new Promise(resolve => setImmediate(resolve));

  it('asks at most once per interval, and again after it', async () => {
    let now = 1_000;
    const trigger = jest.fn(async () => {});
    const early = new EarlyPass({
      trigger,
      minIntervalMs: 60_000,
      now: () => now,
    });

    early.request();
    early.request();
    now += 59_999;
    early.request();
    await settled();
    expect(trigger).toHaveBeenCalledTimes(1);
    now += 1;
    early.request();
    await settled();
    expect(trigger).toHaveBeenCalledTimes(2);
  });

  it('swallows a refused trigger (a pass already running)', async () => {
    const trigger = jest.fn(async () => {
      throw new Error('Task defender-apis-catalog-sync is currently running');
    });
    const early = new EarlyPass({ trigger, minIntervalMs: 1 });
    expect(() => early.request()).not.toThrow();
    await settled();
    expect(trigger).toHaveBeenCalledTimes(1);
  });
});
