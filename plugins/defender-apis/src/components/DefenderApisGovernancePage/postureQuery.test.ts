import { filtersQuery, onboardableQuery } from './postureQuery';

describe('filtersQuery', () => {
  it('sends each chosen filter as a one-value list and the trimmed search as q', () => {
    expect(
      filtersQuery({
        status: 'atRisk',
        owner: 'group:default/team-payments',
        system: 'system:default/payments',
        domain: 'domain:default/commerce',
        search: '  pet ',
      }),
    ).toEqual({
      status: ['atRisk'],
      owner: ['group:default/team-payments'],
      system: ['system:default/payments'],
      domain: ['domain:default/commerce'],
      q: 'pet',
    });
  });

  it("sends the Defender plan filter as the list's coverage, which bulk onboarding respects", () => {
    expect(filtersQuery({ coverage: 'postureOnly', owner: 'group:a' })).toEqual(
      {
        owner: ['group:a'],
        coverage: ['postureOnly'],
      },
    );
    // A chosen status wins: the two selects are alternatives.
    expect(filtersQuery({ coverage: 'postureOnly', status: 'atRisk' })).toEqual(
      { status: ['atRisk'] },
    );
    // Bulk onboarding finds nothing to onboard among threat-protected or posture-only APIs...
    expect(
      onboardableQuery(filtersQuery({ coverage: 'threatProtection' })),
    ).toBeUndefined();
    expect(
      onboardableQuery(filtersQuery({ coverage: 'postureOnly' })),
    ).toBeUndefined();
    // ...and reads the not-onboarded ones among the uncovered.
    expect(onboardableQuery(filtersQuery({ coverage: 'none' }))).toEqual({
      status: ['notOnboarded'],
    });
  });

  it('sends the attack path filter as onAttackPath, true or false, and bulk onboarding keeps it', () => {
    expect(filtersQuery({ onAttackPath: true })).toEqual({
      onAttackPath: true,
    });
    expect(filtersQuery({ onAttackPath: false })).toEqual({
      onAttackPath: false,
    });
    expect(onboardableQuery(filtersQuery({ onAttackPath: true }))).toEqual({
      onAttackPath: true,
      status: ['notOnboarded'],
    });
  });

  it('leaves out filters not chosen and a blank search', () => {
    expect(filtersQuery({})).toEqual({});
    expect(filtersQuery({ owner: '', search: '   ' })).toEqual({});
  });
});

describe('onboardableQuery', () => {
  it('narrows the query to the not-onboarded APIs, keeping the other filters', () => {
    expect(
      onboardableQuery({ owner: ['group:default/team-payments'], q: 'pet' }),
    ).toEqual({
      owner: ['group:default/team-payments'],
      q: 'pet',
      status: ['notOnboarded'],
    });
    expect(onboardableQuery({ status: ['notOnboarded', 'atRisk'] })).toEqual({
      status: ['notOnboarded'],
    });
  });

  it('gives nothing when the status filter leaves no not-onboarded API', () => {
    expect(onboardableQuery({ status: ['atRisk'] })).toBeUndefined();
  });
});
