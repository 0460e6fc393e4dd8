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
}

/**
 * Reads the posture of one entity, onboards it on request and reads it again every
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
  const [onboardPending, setOnboardPending] = useState(false);
  const [onboardError, setOnboardError] = useState<Error>();
  const [pollError, setPollError] = useState<Error>();
  const [pollRound, setPollRound] = useState(0);

  useEffect(() => {
    setPosture(undefined);
    setError(undefined);
    setOnboardError(undefined);
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
  }, [api, ref]);

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

  const onboard = useCallback(async () => {
    if (!ref) return;
    setOnboardPending(true);
    setOnboardError(undefined);
    try {
      const value = await api.onboard(ref);
      setPosture(value);
    } catch (reason) {
      setOnboardError(reason as Error);
    } finally {
      setOnboardPending(false);
    }
  }, [api, ref]);

  return {
    posture,
    loading,
    error,
    onboardPending,
    onboardError,
    pollError,
    onboard,
  };
}
