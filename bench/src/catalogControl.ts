import { BackendProcess } from './backendProcess';
import { until } from './wait';

/** Number of API entities the catalog serves (stitched, i.e. readable by clients). */
export async function apiEntityCount(
  backend: BackendProcess,
  token: string,
): Promise<number> {
  const page = await backend.http.getJson<{ totalItems: number }>(
    '/api/catalog/entities/by-query?filter=kind=api&limit=1&fields=metadata.name',
    { authorization: `Bearer ${token}` },
  );
  return page.totalItems;
}

/**
 * Waits until the catalog serves at least `count` API entities; calls `progress` with the
 * count now and then. Returns how long it took.
 */
export async function waitForApiEntities(
  backend: BackendProcess,
  token: () => Promise<string>,
  count: number,
  timeoutMs: number,
  progress: (served: number) => void,
): Promise<number> {
  const started = Date.now();
  let lastReport = 0;
  await until(
    `the catalog to serve ${count} API entities`,
    async () => {
      if (!backend.running)
        throw new Error(`the backend exited; see ${backend.log.file}`);
      const served = await apiEntityCount(backend, await token());
      if (Date.now() - lastReport > 15_000) {
        progress(served);
        lastReport = Date.now();
      }
      return served >= count ? true : undefined;
    },
    { timeoutMs, intervalMs: 1000 },
  );
  return Date.now() - started;
}

/**
 * Has the catalog read a configured file location again now (as after an edit of the file),
 * through `POST /api/catalog/refresh` of its Location entity. The catalog only lets users
 * register `url` locations, so entities are added by editing a configured file instead.
 */
export async function refreshFileLocation(
  backend: BackendProcess,
  token: string,
  file: string,
): Promise<void> {
  const auth = { authorization: `Bearer ${token}` };
  const { items } = await backend.http.getJson<{
    items: Array<{
      metadata: { name: string; namespace?: string };
      spec?: { target?: string };
    }>;
  }>(
    '/api/catalog/entities/by-query?filter=kind=location&fields=metadata.name,metadata.namespace,spec.target&limit=1000',
    auth,
  );
  const location = items.find(e => e.spec?.target === file);
  if (!location)
    throw new Error(`The catalog has no Location entity for ${file}`);
  const entityRef = `location:${location.metadata.namespace ?? 'default'}/${
    location.metadata.name
  }`;
  const res = await backend.http.request('POST', '/api/catalog/refresh', {
    headers: auth,
    body: { entityRef },
  });
  if (res.status !== 200)
    throw new Error(
      `Refreshing ${entityRef} answered ${res.status}: ${res.body.slice(
        0,
        300,
      )}`,
    );
}

/** Waits until every named API entity (namespace default) is served by name. */
export async function waitForEntitiesByName(
  backend: BackendProcess,
  token: string,
  names: string[],
  timeoutMs: number,
): Promise<void> {
  const pending = new Set(names);
  await until(
    `the catalog to serve ${names.join(', ')}`,
    async () => {
      for (const name of [...pending]) {
        const res = await backend.http.request(
          'GET',
          `/api/catalog/entities/by-name/api/default/${name}`,
          {
            headers: { authorization: `Bearer ${token}` },
          },
        );
        if (res.status === 200) pending.delete(name);
      }
      return pending.size === 0 ? true : undefined;
    },
    { timeoutMs, intervalMs: 1000 },
  );
}
