import { ResponseError } from '@backstage/errors';
import {
  errorMessage,
  formatDay,
  formatCalls,
  formatRelativeTime,
  humanizeRef,
  plural,
} from './format';

describe('humanizeRef', () => {
  it('drops the kind and the default namespace', () => {
    expect(humanizeRef('group:default/team-payments')).toBe('team-payments');
    expect(humanizeRef('user:default/jane')).toBe('jane');
  });

  it('drops the kind of a system or domain as well', () => {
    expect(humanizeRef('system:default/payments')).toBe('payments');
    expect(humanizeRef('domain:sales/commerce')).toBe('sales/commerce');
  });

  it('keeps a namespace other than default', () => {
    expect(humanizeRef('group:ops/team-x')).toBe('ops/team-x');
  });

  it('returns an unparseable value as given', () => {
    expect(humanizeRef('group:')).toBe('group:');
  });
});

describe('formatRelativeTime', () => {
  const now = Date.parse('2024-05-01T12:00:00Z');

  it('says how long ago in the largest whole unit', () => {
    expect(formatRelativeTime('2024-05-01T11:48:00Z', now)).toBe(
      '12 minutes ago',
    );
    expect(formatRelativeTime('2024-05-01T10:00:00Z', now)).toBe('2 hours ago');
    expect(formatRelativeTime('2024-04-30T12:00:00Z', now)).toBe('yesterday');
    expect(formatRelativeTime('2024-05-01T11:59:30Z', now)).toBe('just now');
  });

  it('returns an unparseable time as given', () => {
    expect(formatRelativeTime('not a time', now)).toBe('not a time');
  });
});

describe('plural', () => {
  it('adds an s except for one', () => {
    expect(plural(1, 'endpoint')).toBe('1 endpoint');
    expect(plural(0, 'endpoint')).toBe('0 endpoints');
    expect(plural(3, 'endpoint')).toBe('3 endpoints');
  });
});

describe('errorMessage', () => {
  it("prefers the backend's message carried by a ResponseError", async () => {
    const error = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: {
            name: 'NotAllowedError',
            message: 'Only the owners may onboard it',
          },
          response: { statusCode: 403 },
        }),
        {
          status: 403,
          statusText: 'Forbidden',
          headers: { 'content-type': 'application/json' },
        },
      ),
    );
    expect(errorMessage(error)).toBe('Only the owners may onboard it');
  });

  it('falls back to the error message', () => {
    expect(errorMessage(new Error('network down'))).toBe('network down');
  });
});

describe('formatCalls', () => {
  it('writes call counts as plans state them', () => {
    expect(
      [900, 40_000, 1_000_000, 1_250_000, 1_000_000_000].map(formatCalls),
    ).toEqual(['900', '40K', '1M', '1.25M', '1B']);
  });
});

describe('formatDay', () => {
  const now = Date.parse('2026-12-07T12:00:00Z');
  it('says a day of this year without its year, and of another year with it, in UTC', () => {
    expect(formatDay('2026-11-12T23:30:00Z', now)).toBe('12 Nov');
    expect(formatDay('2026-11-12', now)).toBe('12 Nov');
    expect(formatDay('2025-11-03T00:10:00+02:00', now)).toBe('2 Nov 2025');
    expect(formatDay('not a time', now)).toBe('not a time');
  });
});
