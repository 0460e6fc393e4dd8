import { RouteHandler } from './types';

/** One ARM route: a path pattern, its accepted api-versions and a handler per method. */
export interface ArmRoute {
  /** Pattern with `{param}` segments, e.g. `/subscriptions/{subscriptionId}/providers/...`. */
  pattern: string;
  /** ARM resource type, named in api-version errors. */
  resourceType: string;
  apiVersions: readonly string[];
  handlers: Partial<Record<'GET' | 'PUT' | 'DELETE' | 'POST', RouteHandler>>;
}

/** A route that matched a path, with its decoded parameters. */
export interface RouteMatch {
  route: ArmRoute;
  params: Record<string, string>;
}

type Segment = { literal: string } | { param: string };

/**
 * Matches request paths against ARM routes. Literal segments compare case-insensitively, as
 * ARM does (`resourcegroups`, `microsoft.security` are all fine).
 */
export class RouteTable {
  private readonly compiled: Array<{ route: ArmRoute; segments: Segment[] }>;

  constructor(routes: ArmRoute[]) {
    this.compiled = routes.map(route => ({
      route,
      segments: splitPath(route.pattern).map(s => {
        const param = /^\{(\w+)\}$/.exec(s);
        return param ? { param: param[1] } : { literal: s.toLowerCase() };
      }),
    }));
  }

  /** Finds the route of `segments` (already percent-decoded). */
  match(segments: string[]): RouteMatch | undefined {
    for (const { route, segments: pattern } of this.compiled) {
      if (pattern.length !== segments.length) continue;
      const params: Record<string, string> = {};
      const ok = pattern.every((p, i) => {
        if ('literal' in p) return p.literal === segments[i].toLowerCase();
        params[p.param] = segments[i];
        return true;
      });
      if (ok) return { route, params };
    }
    return undefined;
  }
}

/** Splits a path into segments; empty segments (double or trailing slashes) are dropped. */
export function splitPath(path: string): string[] {
  return path.split('/').filter(s => s !== '');
}
