import { minutesAgo, posture } from '../../__testUtils__/postures';
import {
  csvField,
  csvFileName,
  neutraliseFormulasAfterSeparators,
  posturesCsv,
  toCsv,
} from './csv';
import { toPostureRow } from '../common/rows';

describe('csvField', () => {
  it('leaves plain values as they are and absent values empty', () => {
    expect(csvField('petstore')).toBe('petstore');
    expect(csvField(14)).toBe('14');
    expect(csvField(false)).toBe('false');
    expect(csvField(undefined)).toBe('');
  });

  it('quotes a field with a comma, a quote or a line break and doubles quotes', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('line 1\nline 2')).toBe('"line 1\nline 2"');
    expect(csvField('cr\r\nlf')).toBe('"cr\r\nlf"');
  });

  it('keeps text that looks like a formula from running in a spreadsheet', () => {
    expect(csvField('=HYPERLINK("http://x")')).toBe(
      '"\'=HYPERLINK(""http://x"")"',
    );
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField(-1)).toBe('-1');
  });

  it('neutralises a formula after any separator a spreadsheet may split on', () => {
    // Opened with ";" or tab as the separator, the part after it would be a cell of its own.
    expect(csvField('team-a; =cmd|"/c calc"!A1')).toBe(
      '"team-a; \'=cmd|""/c calc""!A1"',
    );
    expect(csvField('x\t+1')).toBe("x\t'+1");
    expect(csvField('a,@SUM(A1)')).toBe('"a,\'@SUM(A1)"');
    expect(csvField('well-known; plain')).toBe('well-known; plain');
  });
});

describe('neutraliseFormulasAfterSeparators', () => {
  // The rule as a regular expression: right, but quadratic on runs of tabs.
  const byRegExp = (value: string) =>
    value.replace(/([,;\t])(\s*)([=+\-@])/g, "$1$2'$3");

  it('quotes exactly what the regular expression form quotes', () => {
    const alphabet = [',', ';', '\t', ' ', '\n', '=', '+', '-', '@', 'a', "'"];
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let n = 0; n < 2000; n++) {
      const value = Array.from(
        { length: Math.floor(random() * 12) },
        () => alphabet[Math.floor(random() * alphabet.length)],
      ).join('');
      expect(neutraliseFormulasAfterSeparators(value)).toBe(byRegExp(value));
    }
  });

  it('takes linear time on 400,000 tabs (a hostile title or reason)', () => {
    const hostile = `${'\t'.repeat(400_000)}x`;
    const started = performance.now();
    expect(csvField(hostile)).toBe(`'${hostile}`);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('toCsv', () => {
  it('writes a header and one CRLF-terminated line per row', () => {
    expect(
      toCsv(
        ['Name', 'Count'],
        [
          ['a', 1],
          ['b, c', undefined],
        ],
      ),
    ).toBe('Name,Count\r\na,1\r\n"b, c",\r\n');
  });
});

describe('posturesCsv', () => {
  it('exports every fact of a row in full, one line per API', () => {
    const refreshedAt = minutesAgo(5);
    const row = toPostureRow(
      posture({
        title: 'Petstore, v2',
        owners: ['group:default/team-payments', 'user:default/jane'],
        domain: 'domain:default/commerce',
        status: 'atRisk',
        reason: '1 active high-severity alert, "Suspicious IP"',
        refreshedAt,
        stale: true,
        alerts: {
          active: 2,
          bySeverity: { high: 1, medium: 1, low: 0, informational: 0 },
          items: [],
        },
        attackPaths: {
          available: true,
          items: ['p1', 'p2'].map(id => ({
            id,
            displayName: id,
            riskLevel: 'High',
            riskCategories: [],
            through: [],
            url: 'https://portal.azure.com/',
          })),
        },
      }),
    );

    const [header, line, end] = posturesCsv([row]).split('\r\n');
    expect(header).toBe(
      'Entity,Name,Status,Reason,Owners,System,Domain,Lifecycle,Subscription,Resource group,APIM service,API id,Endpoints,Unauthenticated endpoints,Sensitive data endpoints,Active alerts,High-severity alerts,Open recommendations,Attack paths,Plan,Read at,Stale',
    );
    expect(line).toBe(
      [
        'api:default/petstore',
        '"Petstore, v2"',
        'At risk',
        '"1 active high-severity alert, ""Suspicious IP"""',
        'group:default/team-payments; user:default/jane',
        'system:default/payments',
        'domain:default/commerce',
        'production',
        '00000000-0000-0000-0000-000000000001',
        'rg-payments',
        'contoso-apim',
        'petstore-api',
        '14',
        '0',
        '3',
        '2',
        '1',
        '0',
        '2',
        'On P1',
        refreshedAt,
        'true',
      ].join(','),
    );
    expect(end).toBe('');
  });

  it('is only the header without rows', () => {
    expect(posturesCsv([]).split('\r\n')).toHaveLength(2);
  });
});

describe('csvFileName', () => {
  it('names the file after the day', () => {
    expect(csvFileName(new Date('2024-05-01T12:00:00Z'))).toBe(
      'defender-apis-postures-2024-05-01.csv',
    );
  });
});
