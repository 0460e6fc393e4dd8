import { SharedReads } from './SharedReads';

describe('SharedReads', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => {
    now = 0;
  });

  it('shares one read among callers within its time to live, then reads again', async () => {
    const reads = new SharedReads<number>(1_000, clock);
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
    const reads = new SharedReads<number>(1_000, clock);
    const read = jest.fn(async () => {
      throw new Error('503');
    });
    await expect(reads.get('k', read)).rejects.toThrow('503');
    await expect(reads.get('k', read)).rejects.toThrow('503');
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('remembers a failed read for its own time to live, then tries again', async () => {
    const reads = new SharedReads<number>(60_000, clock, 30_000);
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
    const reads = new SharedReads<number>(60_000, clock, 30_000);
    await expect(
      reads.get('k', async () => {
        throw new Error('503');
      }),
    ).rejects.toThrow('503');
    reads.set('k', 8);
    await expect(reads.get('k', async () => 9)).resolves.toBe(8);
  });
});
