/**
 * A full refresh reads at most `refresh.maxServiceReads` APIM services' API lists (and as
 * many Requests metrics) from Azure; the others come from what earlier refreshes stored, in
 * the plugin's database, so another replica's refresh does not read them all again. Services
 * never read are read at once; a stored list that lacks an API an entity names is read first.
 */
import { ArmEmulator, startArmEmulator } from '@defender-apis/arm-emulator';
import {
  apiEntity,
  generatedEstate,
  postureOf,
  startHarness,
} from './__testUtils__/harness';
import { pluginDatabases } from './__testUtils__/pluginDatabases';

jest.setTimeout(180_000);

const SERVICES = 12;
const CAP = 4;
/** The API list of a service (not its single APIs, nor its operations). */
const API_LIST = /\/service\/([^/]+)\/apis$/i;
const METRICS = /microsoft\.insights\/metrics$/i;

const databases = pluginDatabases('defender_service_reads');

/** The services whose API lists the emulator served since it was last cleared. */
function listedServices(emulator: ArmEmulator): string[] {
  return emulator
    .requests()
    .filter(r => r.method === 'GET' && API_LIST.test(r.path))
    .map(r => API_LIST.exec(r.path)![1].toLowerCase())
    .sort();
}

function meteredServices(emulator: ArmEmulator): number {
  return emulator.requests().filter(r => METRICS.test(r.path)).length;
}

describe.each(databases)(
  'a refresh reads a capped number of service lists on %s',
  (_name, databaseConfig) => {
    let emulator: ArmEmulator;
    const estate = generatedEstate({
      apis: SERVICES * 2,
      services: SERVICES,
      subscriptions: 2,
    });
    const serviceNames = estate.services.map(s => s.name.toLowerCase()).sort();
    beforeAll(async () => {
      emulator = await startArmEmulator({ scenario: estate.scenario });
    });
    afterAll(() => emulator.close());
    beforeEach(() => emulator.loadScenario(estate.scenario));

    const harnessOn = (database: ReturnType<typeof databaseConfig>) =>
      startHarness({
        emulator,
        database,
        entities: estate.entities,
        services: estate.services,
        config: { refresh: { maxServiceReads: CAP } },
      });

    it('reads every service once, then the longest unread up to the cap, sharing what it read with the next replica', async () => {
      const database = databaseConfig();
      const first = await harnessOn(database);
      const rotation: string[] = [];
      try {
        emulator.clearRequests();
        await first.runScheduledRefresh();
        // Never read: every list and metric is read, beyond the cap.
        expect(listedServices(emulator)).toEqual(serviceNames);
        expect(meteredServices(emulator)).toBe(SERVICES);

        emulator.clearRequests();
        await first.runScheduledRefresh();
        const second = listedServices(emulator);
        expect(second).toHaveLength(CAP);
        rotation.push(...second);
        // Metrics are 6 hours good: none is read again.
        expect(meteredServices(emulator)).toBe(0);
        // Postures built from stored lists are as fresh as the refresh.
        const sample = estate.entities[0].metadata.name;
        const posture = await postureOf(first, sample);
        expect(posture.stale).toBe(false);
        expect(posture.api).toBeDefined();
      } finally {
        await first.stop();
      }

      // Another replica on the same database goes on with the rotation: no list read twice.
      const next = await harnessOn(database);
      try {
        for (let i = 0; i < SERVICES / CAP - 1; i++) {
          emulator.clearRequests();
          await next.runScheduledRefresh();
          const read = listedServices(emulator);
          expect(read).toHaveLength(CAP);
          rotation.push(...read);
        }
        expect(rotation.sort()).toEqual(serviceNames);
      } finally {
        await next.stop();
      }
    });

    it("reads a service first when its stored list lacks an entity's API, and keeps the posture of those it could not read", async () => {
      const h = await harnessOn(databaseConfig());
      try {
        await h.runScheduledRefresh();
        // New APIs in more services than the cap reads, each with a new entity.
        const scenario = structuredClone(estate.scenario);
        const grown = scenario.subscriptions
          .flatMap(sub => sub.services)
          .slice(0, CAP + 2);
        const added = grown.map(service => {
          const name = `new-in-${service.name}`;
          service.apis.push({ ...structuredClone(service.apis[0]), name });
          return { service: service.name.toLowerCase(), name };
        });
        emulator.loadScenario(scenario);
        h.addEntities(
          added.map(a => apiEntity(a.name, `${a.service}/${a.name}`)),
        );

        emulator.clearRequests();
        await h.runScheduledRefresh();
        const read = listedServices(emulator);
        expect(read).toHaveLength(CAP);
        expect(added.map(a => a.service)).toEqual(expect.arrayContaining(read));
        const readNow = added.filter(a => read.includes(a.service));
        const later = added.filter(a => !read.includes(a.service));
        expect(readNow).toHaveLength(CAP);
        for (const { name } of readNow) {
          const posture = await postureOf(h, name);
          expect(posture.stale).toBe(false);
          expect(posture.api?.resourceId).toContain(name);
        }
        // Not read this time: not called missing, but stale with the reason.
        for (const { name } of later) {
          const posture = await postureOf(h, name);
          expect(posture.stale).toBe(true);
          expect(posture.staleReason).toMatch(
            /API list of API Management service .* was read at .*, without this API/,
          );
        }

        // The next refresh reads the rest of them first.
        emulator.clearRequests();
        await h.runScheduledRefresh();
        expect(listedServices(emulator)).toEqual(
          expect.arrayContaining(later.map(a => a.service)),
        );
        for (const { name } of added) {
          expect((await postureOf(h, name)).stale).toBe(false);
        }
      } finally {
        await h.stop();
      }
    });
  },
);
