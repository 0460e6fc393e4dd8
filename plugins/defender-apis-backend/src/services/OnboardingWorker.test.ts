import { mockServices } from '@backstage/backend-test-utils';
import { ApiPosture } from '@defender-apis/plugin-defender-apis-common';
import {
  onboarding,
  storeOn,
  testDatabases,
} from '../__testUtils__/storeFixtures';
import { OnboardTarget } from '../model/azureResources';
import { OnboardingWorker } from './OnboardingWorker';

jest.setTimeout(60_000);

const databases = testDatabases('OnboardingWorker');

/** An Azure whose onboardings finish when the test says so. */
function heldAzure() {
  const started: OnboardTarget[] = [];
  const pending: Array<{ resolve: () => void; reject: (e: Error) => void }> =
    [];
  return {
    started,
    finishNext: (error?: Error) => {
      const next = pending.shift()!;
      if (error) next.reject(error);
      else next.resolve();
    },
    onboard: (target: OnboardTarget, options: { abortSignal?: AbortSignal }) =>
      new Promise<void>((resolve, reject) => {
        started.push(target);
        pending.push({ resolve, reject });
        options.abortSignal?.addEventListener('abort', () =>
          reject(new Error('aborted')),
        );
      }),
  };
}

async function workerOn(
  id: Parameters<typeof databases.init>[0],
  azure: ReturnType<typeof heldAzure>,
  recheck?: { refusal: () => Promise<string | undefined> },
) {
  const stores = await storeOn(await databases.init(id));
  const reread = jest.fn(async () => ({} as ApiPosture));
  const worker = new OnboardingWorker({
    auth: mockServices.auth(),
    auditor: mockServices.auditor.mock({
      createEvent: async () => ({
        success: async () => {},
        fail: async () => {},
      }),
    }),
    logger: mockServices.logger.mock(),
    catalog: { byRef: async () => ({ kind: 'API' } as any) },
    azure: azure as any,
    queue: stores.onboardingQueue,
    postures: { reread },
    maxConcurrentPerService: 1,
    timeout: { minutes: 5 },
    directory: { services: async () => [] },
    pace: { seconds: 0 },
    ...(recheck ? { recheck } : {}),
  });
  return { worker, queue: stores.onboardingQueue, reread };
}

const eventually = async (check: () => Promise<boolean> | boolean) => {
  for (let i = 0; i < 200 && !(await check()); i++)
    await new Promise(r => setTimeout(r, 20));
  expect(await check()).toBe(true);
};

describe.each(databases.eachSupportedId())('OnboardingWorker on %s', id => {
  it('runs one operation per service at a time, records each outcome, and reads the posture again', async () => {
    const azure = heldAzure();
    const { worker, queue, reread } = await workerOn(id, azure);
    await queue.claimOnboarding(onboarding('a1', 'svc-a'));
    await queue.claimOnboarding(onboarding('a2', 'svc-a'));
    await queue.claimOnboarding(onboarding('b1', 'svc-b'));
    worker.drain();
    await eventually(() => azure.started.length === 2);
    // One per service: svc-a's second waits for its first.
    expect(azure.started.map(t => t.apiId).sort()).toEqual(['a1', 'b1']);

    azure.finishNext();
    azure.finishNext(new Error('The API was not found'));
    await eventually(() => azure.started.length === 3);
    azure.finishNext();
    await worker.settle();

    const outcomes = await queue.getOnboardings(
      ['a1', 'a2', 'b1'].map(
        api => onboarding(api, api[0] === 'a' ? 'svc-a' : 'svc-b').apiKey,
      ),
    );
    expect(
      [...outcomes.values()].map(o => [o.target.apiId, o.state]).sort(),
    ).toEqual([
      ['a1', 'succeeded'],
      ['a2', 'succeeded'],
      ['b1', 'failed'],
    ]);
    expect(
      [...outcomes.values()].find(o => o.target.apiId === 'b1')?.error,
    ).toContain('The API was not found');
    expect(reread).toHaveBeenCalledTimes(3);
  });

  it('runs nothing it could not decide again: the operation leaves the queue with why', async () => {
    const azure = heldAzure();
    const { worker, queue } = await workerOn(id, azure, {
      refusal: async () => {
        throw new Error('catalog answered 503');
      },
    });
    await queue.claimOnboarding(onboarding('a1', 'svc-a'));
    worker.drain();
    await eventually(
      async () => !(await queue.getOnboarding(onboarding('a1').apiKey)),
    );
    await worker.settle();
    expect(azure.started).toEqual([]);
  });

  it('hands back an operation it took while shutting down, before any run held its lease', async () => {
    const azure = heldAzure();
    const { worker, queue } = await workerOn(id, azure);
    await queue.claimOnboarding(onboarding('a1', 'svc-a'));
    const take = queue.takeNextOnboarding.bind(queue);
    let release!: () => void;
    const gate = new Promise<void>(resolve => {
      release = resolve;
    });
    let taken = false;
    jest
      .spyOn(queue, 'takeNextOnboarding')
      .mockImplementationOnce(async (...args) => {
        const row = await take(...args);
        taken = true;
        await gate;
        return row;
      });
    worker.drain();
    await eventually(() => taken);
    // The row is running in the database; the worker has not got it yet.
    const stopped = worker.shutdown();
    release();
    await stopped;
    await worker.settle();
    expect(
      (await queue.getOnboarding(onboarding('a1', 'svc-a').apiKey))?.state,
    ).toBe('queued');
    expect(azure.started).toEqual([]);
  });

  it('hands running operations back to the queue on shutdown and takes no more', async () => {
    const azure = heldAzure();
    const { worker, queue } = await workerOn(id, azure);
    await queue.claimOnboarding(onboarding('a1', 'svc-a'));
    worker.drain();
    await eventually(() => azure.started.length === 1);
    await worker.shutdown();
    await worker.settle();
    expect((await queue.getOnboarding(onboarding('a1').apiKey))?.state).toBe(
      'queued',
    );
    worker.drain();
    await new Promise(r => setTimeout(r, 100));
    expect(azure.started).toHaveLength(1);
  });
});
