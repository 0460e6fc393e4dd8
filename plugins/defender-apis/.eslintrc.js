// Each view (the API card, the overview card, the governance page) imports only from itself,
// components/common/ and the plugin's api/; what two views share lives in common/ (named so
// that no path in the repository reads like a citation of an outside folder).
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
            message: `Share it through components/common/ instead of importing another view.`,
          })),
          {
            target: component('common'),
            from: VIEWS.map(component),
            message: 'components/common/ must not depend on a view.',
          },
        ],
      },
    ],
  },
});
