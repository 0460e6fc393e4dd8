/**
 * CSV export of the posture table, pure so it is tested without a browser. RFC 4180: comma
 * separated, CRLF line ends, a field quoted when it holds a quote, comma or line break, quotes
 * doubled.
 */
import { PostureRow } from '../common/rows';

/** A CSV cell; absent values are empty cells. */
export type CsvValue = string | number | boolean | undefined;

/** Spreadsheets run a cell that starts like a formula; such text is exported as text. */
const FORMULA_START = /^[=+\-@\t\r]/;
/** Separators a spreadsheet may split a cell on when it opens the file. */
const SEPARATORS = new Set([',', ';', '\t']);
/** Characters that start a formula. */
const FORMULA_CHARS = new Set(['=', '+', '-', '@']);
const WHITESPACE = /\s/;

/**
 * Puts a quote before a formula that follows a separator and optional whitespace: such a
 * formula would start a cell of its own when the file is opened with that separator. One pass
 * over the text: a regular expression with `\s*` after a separator backtracks over runs of
 * tabs (both separator and whitespace) in quadratic time.
 */
export function neutraliseFormulasAfterSeparators(value: string): string {
  let neutralised = '';
  let copiedUpTo = 0;
  // Whether only whitespace has been seen since the last separator.
  let afterSeparator = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (afterSeparator && FORMULA_CHARS.has(c)) {
      neutralised += `${value.slice(copiedUpTo, i)}'`;
      copiedUpTo = i;
      afterSeparator = false;
    } else if (SEPARATORS.has(c)) {
      afterSeparator = true;
    } else if (!WHITESPACE.test(c)) {
      afterSeparator = false;
    }
  }
  return neutralised + value.slice(copiedUpTo);
}

/** One CSV field, quoted when needed. */
export function csvField(value: CsvValue): string {
  if (value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  const neutralised = neutraliseFormulasAfterSeparators(value);
  const text = FORMULA_START.test(neutralised)
    ? `'${neutralised}`
    : neutralised;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV document of a header line and rows, CRLF after every line. */
export function toCsv(header: string[], rows: CsvValue[][]): string {
  return [header, ...rows]
    .map(line => `${line.map(csvField).join(',')}\r\n`)
    .join('');
}

/** The exported columns: every fact the table shows, in full (refs, ISO times). */
const COLUMNS: Array<[string, (row: PostureRow) => CsvValue]> = [
  ['Entity', row => row.entityRef],
  ['Name', row => row.name],
  ['Status', row => row.statusLabel],
  ['Reason', row => row.posture.reason],
  ['Owners', row => row.owners.join('; ')],
  ['System', row => row.system],
  ['Domain', row => row.domain],
  ['Lifecycle', row => row.lifecycle],
  ['Subscription', row => row.posture.api?.subscriptionId],
  ['Resource group', row => row.posture.api?.resourceGroup],
  ['APIM service', row => row.serviceName],
  ['API id', row => row.apiId],
  ['Endpoints', row => row.endpointsTotal],
  ['Unauthenticated endpoints', row => row.unauthenticated],
  ['Sensitive data endpoints', row => row.sensitiveDataExposed],
  ['Active alerts', row => row.activeAlerts],
  ['High-severity alerts', row => row.highAlerts],
  ['Open recommendations', row => row.openRecommendations],
  ['Attack paths', row => row.attackPaths],
  ['Plan', row => row.plan],
  ['Read at', row => row.refreshedAt],
  ['Stale', row => row.stale],
];

/** The CSV of posture rows, one line per API. */
export function posturesCsv(rows: PostureRow[]): string {
  return toCsv(
    COLUMNS.map(([title]) => title),
    rows.map(row => COLUMNS.map(([, value]) => value(row))),
  );
}

/** `defender-apis-postures-2024-05-01.csv` */
export function csvFileName(now: Date = new Date()): string {
  return `defender-apis-postures-${now.toISOString().slice(0, 10)}.csv`;
}
