import { summary } from '../../__testUtils__/postures';
import { coverageOf, formatPercent, ownerCoverage } from './coverage';

describe('coverageOf', () => {
  it('counts protected, at risk and awaiting data over all but not applicable and unmapped', () => {
    const counts = summary({
      protected: 3,
      atRisk: 2,
      awaitingData: 1,
      onboarding: 1,
      notOnboarded: 2,
      planDisabled: 1,
      error: 2,
      notApplicable: 4,
      unmapped: 5,
    });
    // 21 APIs; 9 out of scope; 6 of the other 12 are onboarded.
    expect(coverageOf(counts)).toEqual({
      covered: 6,
      applicable: 12,
      ratio: 0.5,
    });
  });

  it('reads statuses missing from a per-owner count as zero', () => {
    expect(
      coverageOf({ total: 3, byStatus: { protected: 1, notOnboarded: 2 } }),
    ).toEqual({
      covered: 1,
      applicable: 3,
      ratio: 1 / 3,
    });
  });

  it('has no ratio when nothing applies', () => {
    expect(
      coverageOf({ total: 2, byStatus: { notApplicable: 1, unmapped: 1 } }),
    ).toEqual({ covered: 0, applicable: 0 });
    expect(coverageOf(summary())).toEqual({ covered: 0, applicable: 0 });
  });
});

describe('formatPercent', () => {
  it('rounds to a whole percentage', () => {
    expect(formatPercent(0.5)).toBe('50%');
    expect(formatPercent(2 / 3)).toBe('67%');
    expect(formatPercent(1)).toBe('100%');
    expect(formatPercent(0)).toBe('0%');
  });

  it('never shows 100% or 0% for a ratio that is not exactly that', () => {
    expect(formatPercent(999 / 1000)).toBe('99%');
    expect(formatPercent(1 / 1000)).toBe('1%');
  });

  it('shows a dash when there is no ratio', () => {
    expect(formatPercent(undefined)).toBe('—');
  });
});

describe('ownerCoverage', () => {
  it('gives each owner its counts and coverage, worst first, owners with nothing applicable last', () => {
    const rows = ownerCoverage(
      summary(
        {},
        {
          'group:default/full': { total: 2, byStatus: { protected: 2 } },
          'group:default/out-of-scope': {
            total: 1,
            byStatus: { notApplicable: 1 },
          },
          'group:default/half-big': {
            total: 4,
            byStatus: {
              protected: 1,
              atRisk: 1,
              notOnboarded: 1,
              planDisabled: 1,
            },
          },
          'group:default/half-small': {
            total: 2,
            byStatus: { awaitingData: 1, notOnboarded: 1 },
          },
          'group:default/none': { total: 1, byStatus: { notOnboarded: 1 } },
        },
      ),
    );

    expect(rows.map(r => r.owner)).toEqual([
      'group:default/none',
      // Same 50%: the owner with more APIs left to onboard first.
      'group:default/half-big',
      'group:default/half-small',
      'group:default/full',
      'group:default/out-of-scope',
    ]);
    expect(rows[1]).toEqual({
      owner: 'group:default/half-big',
      total: 4,
      protected: 1,
      atRisk: 1,
      notOnboarded: 2,
      covered: 2,
      applicable: 4,
      ratio: 0.5,
    });
    expect(rows[4].ratio).toBeUndefined();
  });
});
