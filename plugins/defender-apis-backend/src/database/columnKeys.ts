/**
 * Catalog and Azure text as it goes into the posture table's key columns. The catalog sets no
 * length on titles, lifecycles or relation targets, and PostgreSQL refuses a value longer than
 * its `varchar` column (SQLite does not), so every such value is bounded here; the whole value
 * stays in the posture's JSON documents.
 */

import { MAX_ENTITY_REF_LENGTH } from '../model/postureQuery';

/** Widths of the bounded columns, as the migrations create them. */
export const COLUMN_LENGTHS = {
  entityRef: MAX_ENTITY_REF_LENGTH,
  apiKey: 512,
  nameKey: 512,
  ownersKey: 1024,
  ownerRef: 255,
  system: 255,
  domain: 255,
  lifecycle: 255,
  subscriptionId: 64,
  serviceName: 255,
  serviceKey: 512,
  serviceOrder: 1024,
  plan: 32,
} as const;

/**
 * The column form of a text: without NUL characters (PostgreSQL's text types refuse them) and
 * at most `length` characters, cut before a surrogate pair rather than inside it. PostgreSQL
 * counts characters, and a string never has fewer UTF-16 units than characters, so a cut by
 * units is within the limit.
 */
export function boundedText(text: string, length: number): string {
  const clean = withoutNul(text);
  if (clean.length <= length) return clean;
  const end = isHighSurrogate(clean.charCodeAt(length - 1))
    ? length - 1
    : length;
  return clean.slice(0, end);
}

/**
 * The key of a text in a case-insensitive column: lower-cased first (lower-casing may lengthen
 * a text), then bounded. Filters go through the same function, so a filter by a whole long
 * value finds the rows that hold its bounded key.
 */
export function columnKey(text: string, length: number): string {
  return boundedText(text.toLowerCase(), length);
}

/** A text without NUL characters, which PostgreSQL's text types refuse. */
export function withoutNul(text: string): string {
  return text.includes('\u0000') ? text.split('\u0000').join('') : text;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
