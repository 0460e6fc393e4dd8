import { counts } from '../../__testUtils__/postures';
import { coverageRows, coverageText, formatPercent } from './coverage';

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

describe('coverageText', () => {
  it('says how many of the applicable APIs are onboarded', () => {
    expect(coverageText({ ...counts(), onboarded: 2, applicable: 3 })).toBe(
      '2 of 3 applicable APIs onboarded',
    );
  });

  it('adds the APIs covered for posture when Defender CSPM covers more', () => {
    expect(
      coverageText({
        ...counts(),
        onboarded: 2,
        postureCovered: 3,
        applicable: 4,
      }),
    ).toBe(
      '2 of 4 applicable APIs onboarded; 3 covered for posture with Defender CSPM',
    );
    expect(
      coverageText({ onboarded: 2, postureCovered: 2, applicable: 4 }),
    ).toBe('2 of 4 applicable APIs onboarded');
  });
});

describe('coverageRows', () => {
  it('gives each group its counts and coverage, worst first, groups with nothing applicable last', () => {
    const rows = coverageRows({
      'group:default/full': counts({ protected: 2 }),
      'group:default/out-of-scope': counts({ notApplicable: 1 }),
      'group:default/half-big': counts({
        protected: 1,
        atRisk: 1,
        notOnboarded: 1,
        planDisabled: 1,
      }),
      'group:default/half-small': counts({
        awaitingData: 1,
        notOnboarded: 1,
      }),
      'group:default/none': counts({ notOnboarded: 1 }),
    });

    expect(rows.map(r => r.ref)).toEqual([
      'group:default/none',
      // Same 50%: the group with more APIs left to onboard first.
      'group:default/half-big',
      'group:default/half-small',
      'group:default/full',
      'group:default/out-of-scope',
    ]);
    expect(rows[1]).toEqual({
      ref: 'group:default/half-big',
      total: 4,
      protected: 1,
      atRisk: 1,
      notOnboarded: 2,
      onboarded: 2,
      applicable: 4,
      ratio: 0.5,
    });
    expect(rows[4].ratio).toBeUndefined();
  });

  it('takes onboarded and applicable from the backend rather than counting statuses again', () => {
    const [row] = coverageRows({
      'system:default/payments': {
        total: 5,
        byStatus: { protected: 1 },
        onboarded: 3,
        applicable: 4,
      },
    });
    expect(row).toMatchObject({ onboarded: 3, applicable: 4, ratio: 0.75 });
  });
});
