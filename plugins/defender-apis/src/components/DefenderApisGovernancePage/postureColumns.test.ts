import { POSTURE_SORT_FIELDS } from '@defender-apis/plugin-defender-apis-common';
import { POSTURE_COLUMNS, sortOfQuery } from './postureColumns';

const column = (title: string) => {
  const found = POSTURE_COLUMNS.find(c => c.title === title);
  if (!found) throw new Error(`No column ${title}`);
  return found;
};

describe('POSTURE_COLUMNS and sortOfQuery', () => {
  it('maps each sortable column to a sort field of the backend', () => {
    const sorts = Object.fromEntries(
      POSTURE_COLUMNS.filter(c => c.sorting).map(c => [
        c.title,
        sortOfQuery({ orderBy: c, orderDirection: 'asc' }).sort,
      ]),
    );
    expect(sorts).toEqual({
      API: 'name',
      Status: 'status',
      Owners: 'owner',
      System: 'system',
      'Unauthenticated / endpoints': 'unauthenticated',
      'Sensitive data endpoints': 'sensitiveData',
      'Active alerts': 'highAlerts',
      Read: 'refreshedAt',
    });
    for (const sort of Object.values(sorts)) {
      expect(POSTURE_SORT_FIELDS).toContain(sort);
    }
  });

  it('leaves the columns the backend cannot sort by unsortable', () => {
    for (const title of ['APIM service', 'Open recommendations', 'Plan']) {
      expect(column(title).sorting).toBe(false);
      expect(sortOfQuery({ orderBy: column(title) })).toEqual({});
    }
  });

  it('passes the direction on, and asks for no sort when no column is sorted', () => {
    expect(
      sortOfQuery({ orderBy: column('Status'), orderDirection: 'desc' }),
    ).toEqual({ sort: 'status', order: 'desc' });
    expect(sortOfQuery({ orderBy: column('Status') })).toEqual({
      sort: 'status',
      order: 'asc',
    });
    expect(sortOfQuery({})).toEqual({});
  });
});
