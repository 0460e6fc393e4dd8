import { useCallback, useEffect, useMemo, useState } from 'react';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { ApiPosture } from '@defender-apis/plugin-defender-apis-common';
import { defenderApisApiRef } from '../../api';

/** How often the card reads the posture again while onboarding runs or the claim is checked. */
export const DEFAULT_POLL_INTERVAL_MS = 3000;

/** What {@link useDefenderPosture} gives the card. */
export interface DefenderPostureState {
  /** The last posture read, or the one the onboard request answered with. */
  posture?: ApiPosture;
  /** True until the first read has finished. */
  loading: boolean;
  /** The first read failed. */
  error?: Error;
  /** True while the onboard request is in flight. */
  onboardPending: boolean;
  /** The onboard request was refused or failed. */
  onboardError?: Error;
  /** The last progress read failed; polling goes on. */
  pollError?: Error;
  /** Asks the backend to onboard the API; errors end up in `onboardError`. */
  onboard: () => Promise<void>;
  /** True while the offboard request is in flight. */
  offboardPending: boolean;
  /** The offboard request was refused or failed; the posture is as it was. */
  offboardError?: Error;
  /** True once this card's offboard request was answered with the API offboarded. */
  offboarded: boolean;
  /** Asks the backend to offboard the API; errors end up in `offboardError`. */
  offboard: () => Promise<void>;
}

/** A request that changes the API in Azure: in flight, or why it failed. */
function useChangeRequest(
  request: (() => Promise<ApiPosture>) | undefined,
  setPosture: (posture: ApiPosture) => void,
) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<Error>();
  const [answered, setAnswered] = useState<ApiPosture>();
  const run = useCallback(async () => {
    if (!request) return;
    setPending(true);
    setError(undefined);
    try {
      const value = await request();
      setAnswered(value);
      setPosture(value);
    } catch (reason) {
      setError(reason as Error);
    } finally {
      setPending(false);
    }
  }, [request, setPosture]);
  const reset = useCallback(() => {
    setError(undefined);
    setAnswered(undefined);
  }, []);
  return { pending, error, answered, run, reset };
}

/**
 * Reads the posture of one entity, onboards or offboards it on request and reads it again every
 * `pollIntervalMs` while its status is `onboarding` or its claim is being checked.
 *
 * @param entityRef - the entity, or undefined to read nothing (e.g. no annotation)
 */
export function useDefenderPosture(
  entityRef: CompoundEntityRef | undefined,
  options: { pollIntervalMs?: number } = {},
): DefenderPostureState {
  const api = useApi(defenderApisApiRef);
  const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  // Callers build a new ref object on every render; key the effects on its parts.
  const { kind, namespace, name } = entityRef ?? {};
  const ref = useMemo<CompoundEntityRef | undefined>(
    () => (kind && namespace && name ? { kind, namespace, name } : undefined),
    [kind, namespace, name],
  );

  const [posture, setPosture] = useState<ApiPosture>();
  const [loading, setLoading] = useState(Boolean(ref));
  const [error, setError] = useState<Error>();
  const [pollError, setPollError] = useState<Error>();
  const [pollRound, setPollRound] = useState(0);

  const onboarding = useChangeRequest(
    useMemo(() => (ref ? () => api.onboard(ref) : undefined), [api, ref]),
    setPosture,
  );
  const offboarding = useChangeRequest(
    useMemo(() => (ref ? () => api.offboard(ref) : undefined), [api, ref]),
    setPosture,
  );
  const { reset: resetOnboarding } = onboarding;
  const { reset: resetOffboarding } = offboarding;

  useEffect(() => {
    setPosture(undefined);
    setError(undefined);
    resetOnboarding();
    resetOffboarding();
    setPollError(undefined);
    if (!ref) {
      setLoading(false);
      return undefined;
    }
    let cancelled = false;
    setLoading(true);
    api.getPosture(ref).then(
      value => {
        if (cancelled) return;
        setPosture(value);
        setLoading(false);
      },
      (reason: Error) => {
        if (cancelled) return;
        setError(reason);
        setLoading(false);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [api, ref, resetOnboarding, resetOffboarding]);

  // Read again while onboarding runs, and while the backend checks the claim (about a minute).
  const waiting =
    posture?.status === 'onboarding' || posture?.claimPending === true;
  useEffect(() => {
    if (!ref || !waiting) return undefined;
    let cancelled = false;
    // One read at a time: the next timer starts when this read has answered (pollRound).
    const timer = setTimeout(() => {
      api.getPosture(ref).then(
        value => {
          if (cancelled) return;
          setPosture(value);
          setPollError(undefined);
          setPollRound(round => round + 1);
        },
        (reason: Error) => {
          if (cancelled) return;
          setPollError(reason);
          setPollRound(round => round + 1);
        },
      );
    }, pollIntervalMs);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [api, ref, waiting, pollRound, pollIntervalMs]);

  return {
    posture,
    loading,
    error,
    onboardPending: onboarding.pending,
    onboardError: onboarding.error,
    pollError,
    onboard: onboarding.run,
    offboardPending: offboarding.pending,
    offboardError: offboarding.error,
    // Until the API is onboarded again.
    offboarded:
      offboarding.answered?.status === 'notOnboarded' &&
      posture?.status === 'notOnboarded',
    offboard: offboarding.run,
  };
}
