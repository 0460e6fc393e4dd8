// The backend's layers, bottom to top: util; model (pure: posture facts, composition, claims,
// mapping, plan fit; no I/O); config; azure, database, catalog and permissions (each on the
// layers below it only); services; router and actions (side by side); plugin. Imports point
// down, never up or across.
const src = name => `./src/${name}`;
const layer = (target, forbidden) => ({
  target: src(target),
  from: forbidden.map(src),
  message: `${target} sits below what it imports here; see the backend README, How it works.`,
});
const ABOVE_MODEL = [
  'config.ts',
  'azure',
  'database',
  'catalog',
  'permissions',
  'services',
  'router.ts',
  'actions',
  'plugin.ts',
];
const SERVICES_AND_UP = ['services', 'router.ts', 'actions', 'plugin.ts'];

module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  // The rule resolves each import to a file to know its layer.
  settings: {
    'import/resolver': { node: { extensions: ['.ts', '.js', '.json'] } },
  },
  rules: {
    'import/no-restricted-paths': [
      'error',
      {
        basePath: __dirname,
        zones: [
          layer('util', ['model', ...ABOVE_MODEL]),
          layer('model', ABOVE_MODEL),
          layer('config.ts', ABOVE_MODEL.slice(1)),
          layer('azure', [
            'database',
            'catalog',
            'permissions',
            ...SERVICES_AND_UP,
          ]),
          layer('database', [
            'config.ts',
            'azure',
            'catalog',
            'permissions',
            ...SERVICES_AND_UP,
          ]),
          layer('catalog', [
            'azure',
            'database',
            'permissions',
            ...SERVICES_AND_UP,
          ]),
          layer('permissions', ['azure', 'database', ...SERVICES_AND_UP]),
          layer('services', ['router.ts', 'actions', 'plugin.ts']),
          layer('router.ts', [
            'azure',
            'database',
            'catalog',
            'actions',
            'plugin.ts',
          ]),
          layer('actions', [
            'azure',
            'database',
            'catalog',
            'router.ts',
            'plugin.ts',
          ]),
        ],
      },
    ],
  },
});
