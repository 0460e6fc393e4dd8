import { onboardGradually } from './onboardGradually';

describe('onboardGradually', () => {
  it('asks one API at a time, pausing between requests, and reports each outcome', async () => {
    const events: string[] = [];
    const onboard = jest.fn(async (ref: { name: string }) => {
      events.push(`onboard ${ref.name}`);
      if (ref.name === 'b')
        throw new Error('Only the owners of api:default/b may onboard it');
    });
    const progress: number[] = [];
    const results = await onboardGradually(
      ['api:default/a', 'api:default/b', 'api:default/c'],
      onboard,
      {
        paceMs: 1500,
        sleep: async ms => {
          events.push(`sleep ${ms}`);
        },
        onProgress: r => progress.push(r.length),
      },
    );
    expect(events).toEqual([
      'onboard a',
      'sleep 1500',
      'onboard b',
      'sleep 1500',
      'onboard c',
    ]);
    expect(results).toEqual([
      { entityRef: 'api:default/a', outcome: 'requested' },
      {
        entityRef: 'api:default/b',
        outcome: 'refused',
        message: 'Only the owners of api:default/b may onboard it',
      },
      { entityRef: 'api:default/c', outcome: 'requested' },
    ]);
    expect(progress).toEqual([1, 2, 3]);
  });

  it('stops before the next request once aborted', async () => {
    const controller = new AbortController();
    const onboard = jest.fn(async () => controller.abort());
    const results = await onboardGradually(
      ['api:default/a', 'api:default/b'],
      onboard,
      {
        paceMs: 0,
        signal: controller.signal,
        sleep: async () => undefined,
      },
    );
    expect(onboard).toHaveBeenCalledTimes(1);
    expect(results).toHaveLength(1);
  });
});
