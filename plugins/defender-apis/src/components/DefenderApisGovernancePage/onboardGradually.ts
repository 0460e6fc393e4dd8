import { parseEntityRef } from '@backstage/catalog-model';
import { errorMessage } from '../EntityDefenderApisCard/format';

/** What became of one API of a bulk onboarding. */
export interface BulkOnboardResult {
  entityRef: string;
  outcome: 'requested' | 'refused';
  /** Why the backend refused it (not an owner, plan off, ...). */
  message?: string;
}

/** Options of {@link onboardGradually}. */
export interface OnboardGraduallyOptions {
  /** Pause between two requests; Microsoft warns that onboarding load can hurt an APIM instance. */
  paceMs: number;
  /** Stops before the next request when aborted; requests already made stay made. */
  signal?: AbortSignal;
  /** Called after each request with the results so far. */
  onProgress?: (results: BulkOnboardResult[]) => void;
  /** Waits `ms`; replaceable so tests need not wait. */
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) =>
  new Promise<void>(resolve => setTimeout(resolve, ms));

/**
 * Asks the backend to onboard APIs one at a time, `paceMs` apart. The backend decides for each
 * whether the user may, and queues the operations with at most a few running per APIM service;
 * pacing the requests as well keeps a large selection from arriving as one burst.
 */
export async function onboardGradually(
  entityRefs: string[],
  onboard: (ref: ReturnType<typeof parseEntityRef>) => Promise<unknown>,
  options: OnboardGraduallyOptions,
): Promise<BulkOnboardResult[]> {
  const sleep = options.sleep ?? defaultSleep;
  const results: BulkOnboardResult[] = [];
  for (const [index, entityRef] of entityRefs.entries()) {
    if (options.signal?.aborted) break;
    if (index > 0) await sleep(options.paceMs);
    if (options.signal?.aborted) break;
    try {
      await onboard(parseEntityRef(entityRef));
      results.push({ entityRef, outcome: 'requested' });
    } catch (error) {
      results.push({
        entityRef,
        outcome: 'refused',
        message: errorMessage(error as Error),
      });
    }
    options.onProgress?.([...results]);
  }
  return results;
}
