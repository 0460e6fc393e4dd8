import { describeAzureError } from './describeAzureError';

/** What an Azure read gave: its value, or why it failed in words fit for users and logs. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Waits for an Azure read and settles it into an {@link Outcome}; `what` names what was read. */
export async function settle<T>(
  promise: Promise<T>,
  what: string,
): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, reason: describeAzureError(error, what) };
  }
}
