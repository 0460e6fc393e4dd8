import {
  ApiPosture,
  emptyAlerts,
} from '@defender-apis/plugin-defender-apis-common';
import {
  claimedApiKey,
  conflictReason,
  conflictsAmong,
  withVisibleConflicts,
} from './claims';

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

describe('withVisibleConflicts', () => {
  const conflict: ApiPosture = {
    entityRef: 'api:default/a',
    status: 'conflict',
    owners: ['group:default/team-a'],
    conflictWith: ['api:default/b', 'api:default/secret-c'],
    reason: conflictReason(['api:default/b', 'api:default/secret-c']),
    alerts: emptyAlerts(),
    recommendations: [],
    stale: false,
  };

  it('names only the entities the reader may see and counts the others', () => {
    const seen = withVisibleConflicts(conflict, ref => !ref.includes('secret'));
    expect(seen.conflictWith).toEqual(['api:default/b']);
    expect(seen.reason).toContain(
      'API: api:default/b and 1 entity you cannot see.',
    );
    expect(JSON.stringify(seen)).not.toContain('secret-c');
    const none = withVisibleConflicts(conflict, () => false);
    expect(none.conflictWith).toEqual([]);
    expect(none.reason).toContain('API: 2 entities you cannot see.');
    expect(JSON.stringify(none)).not.toContain('api:default/b');
  });

  it('leaves a posture whose other entities the reader sees as it is', () => {
    expect(withVisibleConflicts(conflict, () => true)).toBe(conflict);
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
