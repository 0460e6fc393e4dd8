// Each view (the API card, the overview card, the governance page) imports only from itself,
// components/shared/ and the plugin's api/; what two views share lives in shared/.
const VIEWS = [
  'DefenderApisGovernancePage',
  'EntityDefenderApisCard',
  'EntityDefenderApisOverviewCard',
];
const component = name => `./src/components/${name}`;

module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  // The rule resolves each import to a file to know its folder.
  settings: {
    'import/resolver': {
      node: { extensions: ['.ts', '.tsx', '.js', '.json'] },
    },
  },
  rules: {
    'import/no-restricted-paths': [
      'error',
      {
        basePath: __dirname,
        zones: [
          ...VIEWS.map(view => ({
            target: component(view),
            from: VIEWS.filter(other => other !== view).map(component),
            message: `Share it through components/shared/ instead of importing another view.`,
          })),
          {
            target: component('shared'),
            from: VIEWS.map(component),
            message: 'components/shared/ must not depend on a view.',
          },
        ],
      },
    ],
  },
});
