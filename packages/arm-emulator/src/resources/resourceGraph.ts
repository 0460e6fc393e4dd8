import { ArmHttpError, armErrors } from '../http/armErrors';
import { EmulatorState } from '../state/EmulatorState';
import { SubscriptionEntry } from '../state/model';
import {
  renderAlert,
  renderAssessment,
  renderAttackPath,
  renderCollection,
} from './security';

/*
 * Azure Resource Graph over the scenario: the `securityresources` table, with the rows the
 * Microsoft.Security routes serve, and a small, strictly evaluated subset of KQL. A query
 * outside the subset is refused with 400, never answered approximately, so a plugin query the
 * emulator cannot evaluate fails its tests instead of passing them by accident.
 */

/** The tenant id Resource Graph reports for the home tenant's subscriptions. */
const HOME_TENANT = '00000000-0000-0000-0000-000000000000';

/** A row of `securityresources`: the ARM resource with Resource Graph's own columns. */
export type GraphRow = Record<string, unknown>;

/** One `where <column path> <operator> '<literal>'` of a query. */
interface Condition {
  path: string[];
  operator: '==' | '=~' | 'startswith' | 'contains';
  literal: string;
}

/**
 * `extend <name> = tolower(tostring(split(<column>, '<separator>')[<index>]))`: one segment of
 * a column, e.g. the APIM service of an ARM id.
 */
interface Extension {
  name: string;
  column: string;
  separator: string;
  index: number;
}

/**
 * `summarize <name> = make_list(pack('<key>', <column>, …)) by <column>, …`: one row per group,
 * with the group's rows (as the packed objects) in a list column.
 */
interface Summary {
  name: string;
  pack: Array<{ key: string; column: string }>;
  by: string[];
}

/** A parsed query: its table, stages as KQL runs them in order, and the output's order. */
export interface GraphQuery {
  table: 'securityresources';
  conditions: Condition[];
  extensions: Extension[];
  project?: string[];
  summarize?: Summary;
  orderBy?: Array<{ column: string; descending: boolean }>;
}

const WHERE =
  /^where\s+([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s+(==|=~|startswith|contains)\s+'([^'\\]*)'$/i;
const PROJECT = /^project\s+([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)$/i;
const ORDER_BY =
  /^(?:order|sort)\s+by\s+([A-Za-z_]\w*(?:\s+(?:asc|desc))?(?:\s*,\s*[A-Za-z_]\w*(?:\s+(?:asc|desc))?)*)$/i;
const EXTEND =
  /^extend\s+([A-Za-z_]\w*)\s*=\s*tolower\(\s*tostring\(\s*split\(\s*([A-Za-z_]\w*)\s*,\s*'([^'\\]+)'\s*\)\s*\[\s*(\d+)\s*\]\s*\)\s*\)$/i;
const SUMMARIZE =
  /^summarize\s+([A-Za-z_]\w*)\s*=\s*make_list\(\s*pack\(((?:\s*'[A-Za-z_]\w*'\s*,\s*[A-Za-z_]\w*\s*,?)+)\)\s*\)\s+by\s+([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)$/i;
const PACK_PAIR = /'([A-Za-z_]\w*)'\s*,\s*([A-Za-z_]\w*)/g;

/** What the emulator evaluates, for the 400 that refuses anything else. */
const SUBSET =
  "securityresources | where <column[.property…]> (==|=~|startswith|contains) '<text>' … | extend <name> = tolower(tostring(split(<column>, '<text>')[<n>])) … | project <columns> | summarize <name> = make_list(pack('<key>', <column>, …)) by <columns> | order by <column> [asc|desc], …";

/** Parses `text` as a query of the emulated subset; throws a 400 for anything else. */
export function parseGraphQuery(text: string): GraphQuery {
  const stages = text
    .split('|')
    .map(s => s.trim().replace(/\s+/g, ' '))
    .filter(s => s !== '');
  const refuse = (detail: string) =>
    new ArmHttpError(
      armErrors.badRequest(
        'BadRequest',
        `Please provide a query the emulator evaluates (${SUBSET}): ${detail}.`,
      ),
    );
  if (stages[0]?.toLowerCase() !== 'securityresources')
    throw refuse(
      `expected the table securityresources, found '${stages[0] ?? ''}'`,
    );
  const query: GraphQuery = {
    table: 'securityresources',
    conditions: [],
    extensions: [],
  };
  for (const stage of stages.slice(1)) {
    const where = WHERE.exec(stage);
    const project = PROJECT.exec(stage);
    const order = ORDER_BY.exec(stage);
    const extend = EXTEND.exec(stage);
    const summarize = SUMMARIZE.exec(stage);
    // The emulator runs stages in a fixed order (where, extend, project, summarize, order):
    // a query whose meaning depends on another order is refused.
    const late = (kind: string, before: string) =>
      refuse(`found '${kind}' after '${before}'`);
    if (where && query.extensions.length > 0) throw late('where', 'extend');
    if ((where || extend || project) && query.summarize)
      throw late(stage.split(' ')[0], 'summarize');
    if (extend) {
      query.extensions.push({
        name: extend[1],
        column: extend[2],
        separator: extend[3],
        index: Number(extend[4]),
      });
    } else if (summarize) {
      if (query.summarize) throw refuse('found a second summarize');
      query.summarize = {
        name: summarize[1],
        pack: [...summarize[2].matchAll(PACK_PAIR)].map(m => ({
          key: m[1],
          column: m[2],
        })),
        by: summarize[3].split(',').map(c => c.trim()),
      };
    } else if (where) {
      query.conditions.push({
        path: where[1].split('.'),
        operator: where[2].toLowerCase() as Condition['operator'],
        literal: where[3],
      });
    } else if (project) {
      query.project = project[1].split(',').map(c => c.trim());
    } else if (order) {
      query.orderBy = order[1].split(',').map(term => {
        const [column, direction] = term.trim().split(/\s+/);
        // As in KQL, `order by` without a direction sorts descending.
        return { column, descending: direction?.toLowerCase() !== 'asc' };
      });
    } else {
      throw refuse(`found the stage '${stage}'`);
    }
  }
  return query;
}

/** The rows of `query` over the given subscriptions, filtered, ordered and projected. */
export function evaluateGraphQuery(
  query: GraphQuery,
  subscriptions: SubscriptionEntry[],
  state: EmulatorState,
): GraphRow[] {
  const filtered = subscriptions
    .flatMap(s => securityRows(s, state))
    .filter(row => query.conditions.every(c => holds(c, row)))
    .map(row => withExtensions(row, query.extensions));
  const columns = query.project;
  const projected = columns
    ? filtered.map(row =>
        Object.fromEntries(columns.map(c => [c, row[c] ?? null])),
      )
    : filtered;
  const rows = query.summarize
    ? summarized(projected, query.summarize)
    : projected;
  for (const { column, descending } of [...(query.orderBy ?? [])].reverse()) {
    // Stable sorts from the last key to the first order by every key.
    const sign = descending ? -1 : 1;
    rows.sort(
      (a, b) =>
        sign * String(a[column] ?? '').localeCompare(String(b[column] ?? '')),
    );
  }
  return rows;
}

function withExtensions(row: GraphRow, extensions: Extension[]): GraphRow {
  if (extensions.length === 0) return row;
  const extended = { ...row };
  for (const { name, column, separator, index } of extensions) {
    // KQL: split of a non-string is empty, a missing index is null, tostring(null) is ''.
    const value = extended[column];
    extended[name] =
      typeof value === 'string'
        ? (value.split(separator)[index] ?? '').toLowerCase()
        : '';
  }
  return extended;
}

/** One row per distinct `by` values, in order of first appearance, with its rows packed. */
function summarized(rows: GraphRow[], summary: Summary): GraphRow[] {
  const groups = new Map<string, GraphRow>();
  for (const row of rows) {
    const key = JSON.stringify(summary.by.map(c => row[c] ?? null));
    const group: GraphRow = groups.get(key) ?? {
      ...Object.fromEntries(summary.by.map(c => [c, row[c] ?? null])),
      [summary.name]: [],
    };
    groups.set(key, group);
    (group[summary.name] as GraphRow[]).push(
      Object.fromEntries(summary.pack.map(p => [p.key, row[p.column] ?? null])),
    );
  }
  return [...groups.values()];
}

/** Every `securityresources` row of a subscription: collections, assessments, alerts, attack paths. */
function securityRows(
  subscription: SubscriptionEntry,
  state: EmulatorState,
): GraphRow[] {
  const sub = subscription.scenario;
  const collections = state
    .collectionsIn({ subscriptionId: sub.subscriptionId })
    .map(c => renderCollection(c));
  const assessments = (sub.assessments ?? []).map(a =>
    renderAssessment(sub.subscriptionId, a),
  );
  const alerts = (sub.alerts ?? []).map(a =>
    renderAlert(sub, a, state.loadedAt),
  );
  const attackPaths = (sub.attackPaths ?? []).map(p =>
    renderAttackPath(sub.subscriptionId, p),
  );
  return [...collections, ...assessments, ...alerts, ...attackPaths].map(
    resource =>
      graphRow(resource as GraphRow, sub.subscriptionId, sub.tenantId),
  );
}

/**
 * A resource as Resource Graph holds it: its type in lower case, and its subscription,
 * resource group and tenant as columns.
 */
function graphRow(
  resource: GraphRow,
  subscriptionId: string,
  tenantId: string | undefined,
): GraphRow {
  const id = String(resource.id);
  return {
    ...resource,
    type: String(resource.type).toLowerCase(),
    subscriptionId,
    resourceGroup: /\/resourceGroups\/([^/]+)/i.exec(id)?.[1] ?? '',
    tenantId: tenantId ?? HOME_TENANT,
  };
}

function holds(condition: Condition, row: GraphRow): boolean {
  let value: unknown = row;
  for (const key of condition.path) {
    value =
      value !== null && typeof value === 'object'
        ? (value as GraphRow)[key]
        : undefined;
  }
  if (typeof value !== 'string') return false;
  const { operator, literal } = condition;
  if (operator === '==') return value === literal;
  const lower = value.toLowerCase();
  const wanted = literal.toLowerCase();
  if (operator === '=~') return lower === wanted;
  if (operator === 'startswith') return lower.startsWith(wanted);
  return lower.includes(wanted);
}
