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

/** A parsed query: its table, conditions in order and projected columns (all when absent). */
export interface GraphQuery {
  table: 'securityresources';
  conditions: Condition[];
  project?: string[];
  orderBy?: { column: string; descending: boolean };
}

const WHERE =
  /^where\s+([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s+(==|=~|startswith|contains)\s+'([^'\\]*)'$/i;
const PROJECT = /^project\s+([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)$/i;
const ORDER_BY = /^(?:order|sort)\s+by\s+([A-Za-z_]\w*)(?:\s+(asc|desc))?$/i;

/** What the emulator evaluates, for the 400 that refuses anything else. */
const SUBSET =
  "securityresources | where <column[.property…]> (==|=~|startswith|contains) '<text>' … | project <columns> | order by <column> [asc|desc]";

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
  const query: GraphQuery = { table: 'securityresources', conditions: [] };
  for (const stage of stages.slice(1)) {
    const where = WHERE.exec(stage);
    const project = PROJECT.exec(stage);
    const order = ORDER_BY.exec(stage);
    if (where) {
      query.conditions.push({
        path: where[1].split('.'),
        operator: where[2].toLowerCase() as Condition['operator'],
        literal: where[3],
      });
    } else if (project) {
      query.project = project[1].split(',').map(c => c.trim());
    } else if (order) {
      query.orderBy = {
        column: order[1],
        // As in KQL, `order by` without a direction sorts descending.
        descending: order[2]?.toLowerCase() !== 'asc',
      };
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
  const rows = subscriptions
    .flatMap(s => securityRows(s, state))
    .filter(row => query.conditions.every(c => holds(c, row)));
  if (query.orderBy) {
    const { column, descending } = query.orderBy;
    const sign = descending ? -1 : 1;
    rows.sort(
      (a, b) =>
        sign * String(a[column] ?? '').localeCompare(String(b[column] ?? '')),
    );
  }
  const columns = query.project;
  if (!columns) return rows;
  return rows.map(row =>
    Object.fromEntries(columns.map(c => [c, row[c] ?? null])),
  );
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
