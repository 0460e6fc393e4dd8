/**
 * How a requester was allowed to onboard an API: `ownership` as an owner of its entity (the
 * plugin's own check, or a conditional decision of the policy, which this repository's policy
 * bases on ownership), `policy` by an unconditional allow of the permission policy. Recorded
 * with the queued operation, so that the worker can decide again before it runs.
 */
export type OnboardGrant = 'ownership' | 'policy';
