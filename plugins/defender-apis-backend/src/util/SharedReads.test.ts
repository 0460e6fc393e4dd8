import { SharedReads } from './SharedReads';

describe('SharedReads', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => {
    now = 0;
  });

  it('shares one read among callers within its time to live, then reads again', async () => {
    const reads = new SharedReads<number>(1_000, { now: clock });
    const read = jest.fn(async () => 7);
    await Promise.all([reads.get('k', read), reads.get('k', read)]);
    now = 999;
    await reads.get('k', read);
    expect(read).toHaveBeenCalledTimes(1);
    now = 1_000;
    await reads.get('k', read);
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('forgets a failed read at once by default', async () => {
    const reads = new SharedReads<number>(1_000, { now: clock });
    const read = jest.fn(async () => {
      throw new Error('503');
    });
    await expect(reads.get('k', read)).rejects.toThrow('503');
    await expect(reads.get('k', read)).rejects.toThrow('503');
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('remembers a failed read for its own time to live, then tries again', async () => {
    const reads = new SharedReads<number>(60_000, {
      now: clock,
      failureTtlMs: 30_000,
    });
    const read = jest
      .fn<Promise<number>, []>()
      .mockRejectedValueOnce(new Error('503'))
      .mockResolvedValue(7);
    await expect(reads.get('k', read)).rejects.toThrow('503');
    now = 29_999;
    await expect(reads.get('k', read)).rejects.toThrow('503');
    expect(read).toHaveBeenCalledTimes(1);
    now = 30_000;
    await expect(reads.get('k', read)).resolves.toBe(7);
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('lets a value recorded elsewhere replace a remembered failure', async () => {
    const reads = new SharedReads<number>(60_000, {
      now: clock,
      failureTtlMs: 30_000,
    });
    await expect(
      reads.get('k', async () => {
        throw new Error('503');
      }),
    ).rejects.toThrow('503');
    reads.set('k', 8);
    await expect(reads.get('k', async () => 9)).resolves.toBe(8);
  });

  it('renews a busy value in the background: callers never wait, and none gets a value older than the time to live', async () => {
    const reads = new SharedReads<number>(1_000, {
      now: clock,
      renewAfterMs: 500,
    });
    let answer = 1;
    let release = () => {};
    const read = jest.fn(
      () =>
        new Promise<number>(resolve => {
          const value = answer;
          release = () => resolve(value);
          if (read.mock.calls.length === 1) resolve(value);
        }),
    );
    expect(await reads.get('k', read)).toBe(1);
    answer = 2;
    now = 499;
    expect(await reads.get('k', read)).toBe(1);
    expect(read).toHaveBeenCalledTimes(1);
    // Due: the renewal starts, and the caller still gets the current value at once.
    now = 500;
    expect(await reads.get('k', read)).toBe(1);
    expect(await reads.get('k', read)).toBe(1);
    expect(read).toHaveBeenCalledTimes(2);
    release();
    await Promise.resolve();
    expect(await reads.get('k', read)).toBe(2);
    // The renewed value's age counts from when its read started (500).
    now = 1_499;
    answer = 3;
    const stillRenewed = reads.get('k', read);
    expect(await stillRenewed).toBe(2);
    now = 1_500;
    const expired = reads.get('k', read);
    release();
    expect(await expired).toBe(3);
  });

  it('keeps serving the current value until it expires when a renewal fails', async () => {
    const reads = new SharedReads<number>(1_000, {
      now: clock,
      renewAfterMs: 500,
    });
    await reads.get('k', async () => 1);
    now = 600;
    const failing = jest.fn(async (): Promise<number> => {
      throw new Error('503');
    });
    expect(await reads.get('k', failing)).toBe(1);
    await Promise.resolve();
    expect(await reads.get('k', failing)).toBe(1);
    expect(failing).toHaveBeenCalledTimes(1);
    now = 1_000;
    await expect(reads.get('k', failing)).rejects.toThrow('503');
  });
});
