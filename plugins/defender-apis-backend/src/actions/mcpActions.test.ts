/**
 * The plugin's actions as an agent meets them: through the MCP actions backend's Streamable
 * HTTP endpoint, with the real MCP SDK client, the real actions registry and the whole plugin
 * against the ARM emulator.
 */
import {
  actionsRegistryServiceFactory,
  actionsServiceFactory,
} from '@backstage/backend-defaults/alpha';
import mcpActionsPlugin from '@backstage/plugin-mcp-actions-backend';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import {
  asService,
  asUser,
  PluginHarness,
  startHarness,
} from '../__testUtils__/harness';

/** The MCP actions backend names each tool by the plugin and the action. */
const tool = (action: string) => `defender-apis.${action}`;

/** An MCP client of the test backend, authenticated by the given Authorization header. */
async function mcpClient(h: PluginHarness, authorization: string) {
  const client = new Client({ name: 'defender-apis-test', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(
      new URL(`http://localhost:${h.port}/api/mcp-actions/v1`),
      { requestInit: { headers: { Authorization: authorization } } },
    ),
  );
  return client;
}

/** The JSON an action answered, from the tool result's text. */
function answer(result: Awaited<ReturnType<Client['callTool']>>) {
  const [content] = result.content as Array<{ type: string; text: string }>;
  return JSON.parse(content.text);
}

describe('actions through MCP', () => {
  let h: PluginHarness;
  const clients: Client[] = [];
  const connect = async (authorization: string) => {
    const client = await mcpClient(h, authorization);
    clients.push(client);
    return client;
  };

  beforeEach(async () => {
    h = await startHarness({
      refreshed: true,
      hiddenFrom: { 'api:default/wallet-api': ['user:default/carl'] },
      extraFeatures: [
        mcpActionsPlugin,
        actionsRegistryServiceFactory,
        actionsServiceFactory,
      ],
      rootConfig: {
        backend: { actions: { pluginSources: ['defender-apis'] } },
      },
    });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map(c => c.close()));
    await h.stop();
  });

  it('lists the three tools with their attributes set explicitly', async () => {
    const client = await connect(asUser('paula'));
    const { tools } = await client.listTools();
    const byName = Object.fromEntries(tools.map(t => [t.name, t]));
    expect(Object.keys(byName).sort()).toEqual([
      tool('get-api-posture'),
      tool('list-apis'),
      tool('onboard-api'),
    ]);
    expect(byName[tool('get-api-posture')].annotations).toMatchObject({
      readOnlyHint: true,
      destructiveHint: false,
    });
    expect(byName[tool('list-apis')].annotations).toMatchObject({
      readOnlyHint: true,
      destructiveHint: false,
    });
    expect(byName[tool('onboard-api')].annotations).toMatchObject({
      readOnlyHint: false,
      destructiveHint: true,
    });
    expect(byName[tool('list-apis')].inputSchema.properties).toHaveProperty(
      'owner',
    );
  });

  it("lists a team's at-risk APIs as the list route answers the same user", async () => {
    const client = await connect(asUser('paula'));
    const result = await client.callTool({
      name: tool('list-apis'),
      arguments: { owner: ['group:default/team-payments'], status: ['atRisk'] },
    });
    expect(result.isError).toBeFalsy();
    const listed = answer(result);
    const viaRoute = (
      await h.request
        .get('/api/defender-apis/posture')
        .query({ owner: 'group:default/team-payments', status: 'atRisk' })
        .set('Authorization', asUser('paula'))
    ).body;
    expect(listed.items.length).toBeGreaterThan(0);
    expect(listed.items.map((p: { entityRef: string }) => p.entityRef)).toEqual(
      viaRoute.items.map((p: { entityRef: string }) => p.entityRef),
    );
    // The whole posture passes through, not only the fields the schema describes.
    expect(listed.items[0]).toHaveProperty('alerts');

    // Coverage as the route takes it: threat-protected and at risk is the same list.
    const covered = answer(
      await client.callTool({
        name: tool('list-apis'),
        arguments: {
          owner: ['group:default/team-payments'],
          status: ['atRisk'],
          coverage: ['threatProtection'],
        },
      }),
    );
    expect(covered.totalItems).toBe(listed.totalItems);
    const uncovered = answer(
      await client.callTool({
        name: tool('list-apis'),
        arguments: { status: ['atRisk'], coverage: ['none'] },
      }),
    );
    expect(uncovered).toMatchObject({ items: [], totalItems: 0 });
  });

  it('reads one posture, and nothing of an entity the catalog hides from the caller', async () => {
    const paula = await connect(asUser('paula'));
    const seen = answer(
      await paula.callTool({
        name: tool('get-api-posture'),
        arguments: { entityRef: 'api:default/wallet-api' },
      }),
    );
    expect(seen.posture).toMatchObject({ entityRef: 'api:default/wallet-api' });

    const carl = await connect(asUser('carl'));
    const hidden = await carl.callTool({
      name: tool('get-api-posture'),
      arguments: { entityRef: 'api:default/wallet-api' },
    });
    expect(hidden.isError).toBe(true);
    // Exactly what an entity that does not exist gets.
    const missing = await carl.callTool({
      name: tool('get-api-posture'),
      arguments: { entityRef: 'api:default/no-such-api' },
    });
    expect(JSON.stringify(hidden.content)).toBe(
      JSON.stringify(missing.content).replace('no-such-api', 'wallet-api'),
    );
    const listed = answer(
      await carl.callTool({
        name: tool('list-apis'),
        arguments: { limit: 100 },
      }),
    );
    expect(
      listed.items.map((p: { entityRef: string }) => p.entityRef),
    ).not.toContain('api:default/wallet-api');
  });

  it('onboards for an owner, and refuses a non-owner and a service before any write to Azure', async () => {
    const carl = await connect(asUser('carl'));
    const refused = await carl.callTool({
      name: tool('onboard-api'),
      arguments: { entityRef: 'api:default/refunds-api' },
    });
    expect(refused.isError).toBe(true);
    expect(JSON.stringify(refused.content)).toContain(
      'Only the owners of api:default/refunds-api',
    );
    const service = await connect(asService());
    const byService = await service.callTool({
      name: tool('onboard-api'),
      arguments: { entityRef: 'api:default/wallet-api' },
    });
    expect(byService.isError).toBe(true);
    expect(JSON.stringify(byService.content)).toContain(
      'Only a user can onboard an API',
    );
    expect(h.armRequests('PUT', 'apiCollections')).toEqual([]);

    const paula = await connect(asUser('paula'));
    const onboarded = answer(
      await paula.callTool({
        name: tool('onboard-api'),
        arguments: { entityRef: 'api:default/wallet-api' },
      }),
    );
    expect(onboarded.started).toBe(true);
    expect(onboarded.posture.status).toBe('onboarding');
  });

  it('says what is wrong with a ref that is not an API', async () => {
    const client = await connect(asUser('paula'));
    const result = await client.callTool({
      name: tool('get-api-posture'),
      arguments: { entityRef: 'component:default/payments' },
    });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toContain(
      'expected an API entity ref such as api:default/payments-api',
    );
  });
});

describe("actions through MCP, with the README's read-only configuration", () => {
  it('serves the read-only tools only, and refuses onboard-api', async () => {
    const readOnly = parseYaml(
      fs.readFileSync(
        path.resolve(
          __dirname,
          '../../../../docs/install/app-config-mcp-read-only.yaml',
        ),
        'utf8',
      ),
    );
    const h = await startHarness({
      refreshed: true,
      extraFeatures: [
        mcpActionsPlugin,
        actionsRegistryServiceFactory,
        actionsServiceFactory,
      ],
      rootConfig: readOnly,
    });
    const client = await mcpClient(h, asUser('paula'));
    try {
      const { tools } = await client.listTools();
      expect(tools.map(t => t.name).sort()).toEqual([
        tool('get-api-posture'),
        tool('list-apis'),
      ]);
      const result = await client.callTool({
        name: tool('onboard-api'),
        arguments: { entityRef: 'api:default/refunds-api' },
      });
      expect(result.isError).toBe(true);
      expect(h.armRequests('PUT', 'apiCollections')).toEqual([]);
    } finally {
      await client.close();
      await h.stop();
    }
  });
});
