import { PostureHistoryDay } from '@defender-apis/plugin-defender-apis-common';
import { historyPoints, historySentence } from './historySeries';

const NOW = Date.parse('2026-12-07T12:00:00Z');

function day(
  date: string,
  coverage: number | undefined,
  atRisk: number,
): PostureHistoryDay {
  return {
    day: date,
    total: 10,
    byStatus: { atRisk },
    onboarded: 5,
    applicable: 10,
    ...(coverage === undefined ? {} : { coverage }),
    atRisk,
    highAlerts: atRisk * 2,
  };
}

describe('historyPoints', () => {
  it('has a point per day from the first day with snapshots to the end of the range, missing days as gaps', () => {
    const points = historyPoints(
      [day('2026-11-29', 0.5, 3), day('2026-12-01', 0.625, 2)],
      '2026-12-02',
      NOW,
    );
    expect(points).toEqual([
      {
        day: '2026-11-29',
        label: '29 Nov',
        coverage: 50,
        atRisk: 3,
        highAlerts: 6,
      },
      {
        day: '2026-11-30',
        label: '30 Nov',
        coverage: null,
        atRisk: null,
        highAlerts: null,
      },
      {
        day: '2026-12-01',
        label: '1 Dec',
        coverage: 62.5,
        atRisk: 2,
        highAlerts: 4,
      },
      {
        day: '2026-12-02',
        label: '2 Dec',
        coverage: null,
        atRisk: null,
        highAlerts: null,
      },
    ]);
  });

  it('crosses month and year ends, naming the year of days not in this one', () => {
    const points = historyPoints(
      [day('2025-12-31', 0.5, 1)],
      '2026-01-01',
      NOW,
    );
    expect(points.map(p => p.label)).toEqual(['31 Dec 2025', '1 Jan']);
  });

  it('draws nothing without snapshots, and a day where nothing applies as a gap in coverage only', () => {
    expect(historyPoints([], '2026-12-07', NOW)).toEqual([]);
    const [point] = historyPoints(
      [day('2026-12-07', undefined, 0)],
      '2026-12-07',
      NOW,
    );
    expect(point).toEqual(
      expect.objectContaining({ coverage: null, atRisk: 0 }),
    );
  });
});

describe('historySentence', () => {
  it('says the change from the first day to the last', () => {
    expect(
      historySentence(
        [day('2026-11-08', 0.62, 12), day('2026-12-07', 0.7, 5)],
        NOW,
      ),
    ).toBe('Since 8 Nov: coverage 62% → 70%, APIs at risk 12 → 5.');
  });

  it('says when history began when it has one day', () => {
    expect(historySentence([day('2026-12-07', undefined, 0)], NOW)).toBe(
      'History began on 7 Dec: coverage none applicable, 0 at risk.',
    );
  });
});
