import { claimedApiKey, conflictReason, conflictsAmong } from './claims';

describe('conflictsAmong', () => {
  it('puts each entity in conflict with the entities of other owners only', () => {
    const conflicts = conflictsAmong([
      { entityRef: 'api:default/a', owners: ['group:default/team-a'] },
      { entityRef: 'api:default/a-docs', owners: ['GROUP:default/Team-A'] },
      { entityRef: 'api:default/b', owners: ['group:default/team-b'] },
    ]);
    expect(Object.fromEntries(conflicts)).toEqual({
      'api:default/a': ['api:default/b'],
      'api:default/a-docs': ['api:default/b'],
      'api:default/b': ['api:default/a', 'api:default/a-docs'],
    });
  });

  it('sees no conflict among entities of the same owners, in any order', () => {
    const conflicts = conflictsAmong([
      {
        entityRef: 'api:default/a',
        owners: ['group:default/x', 'user:default/jo'],
      },
      {
        entityRef: 'api:default/b',
        owners: ['user:default/jo', 'group:default/x'],
      },
    ]);
    expect(conflicts.size).toBe(0);
  });

  it('names at most ten other entities in the reason', () => {
    const others = Array.from({ length: 12 }, (_, i) => `api:default/e${i}`);
    const reason = conflictReason(others);
    expect(reason).toContain('api:default/e9 and 2 more');
    expect(reason).not.toContain('api:default/e10');
  });
});

describe('claimedApiKey', () => {
  it('keys an API and its revisions alike, in any letter case', () => {
    const id =
      '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ApiManagement/service/apim/apis/Pets';
    expect(claimedApiKey(`${id};rev=2`)).toBe(claimedApiKey(id));
    expect(claimedApiKey(`${id.toUpperCase()};REV=12`)).toBe(claimedApiKey(id));
    expect(claimedApiKey(id)).toBe(id.toLowerCase());
    // Only a trailing revision suffix goes: another API's id keeps its own key.
    expect(claimedApiKey(`${id}s`)).not.toBe(claimedApiKey(id));
  });
});
