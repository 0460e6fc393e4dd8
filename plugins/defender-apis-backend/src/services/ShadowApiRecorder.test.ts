import { mockServices } from '@backstage/backend-test-utils';
import { ShadowApiStore } from '../database/ShadowApiStore';
import { ServiceFacts } from '../model/azureFacts';
import { ApiCollection } from '../model/azureResources';
import { serviceKey } from '../model/mapping';
import { ShadowApiRecorder } from './ShadowApiRecorder';

const SUBSCRIPTION = '00000000-0000-0000-0000-0000000000aa';

describe('ShadowApiRecorder', () => {
  it('gives the event loop a turn before each service, so the end of a refresh never holds waiting requests', async () => {
    const events: string[] = [];
    const store: ShadowApiStore = {
      // Resolves at once, as a better-sqlite3 statement does.
      replaceService: async service => {
        events.push(`write ${service.name}`);
      },
      recordFailedRead: async () => {},
      keepServices: async () => {},
      list: async () => ({ items: [], totalCount: 0 } as never),
    };
    const services = ['apim-a', 'apim-b', 'apim-c'].map(name => ({
      name,
      subscriptionId: SUBSCRIPTION,
      resourceGroup: 'rg',
    }));
    const recorder = new ShadowApiRecorder({
      store,
      logger: mockServices.logger.mock(),
    });

    // A request waiting on the event loop: it gets in whenever the loop turns.
    let recording = true;
    const waitingRequest = () => {
      events.push('request');
      if (recording) setImmediate(waitingRequest);
    };
    setImmediate(waitingRequest);
    await recorder.record({
      services,
      serviceReads: new Map(
        services.map(s => [
          serviceKey(s),
          { ok: true, value: new ServiceFacts({ apis: [] }) },
        ]),
      ),
      collectionReads: new Map([
        [SUBSCRIPTION, { ok: true, value: new Map<string, ApiCollection>() }],
      ]),
      mapped: [],
      readAt: '2026-12-07T00:00:00.000Z',
    });
    recording = false;

    const writes = events.flatMap((e, i) => (e.startsWith('write') ? [i] : []));
    expect(writes).toHaveLength(3);
    for (const at of writes) expect(events[at - 1]).toBe('request');
  });
});
