#!/usr/bin/env node
/*
 * Applies the READMEs' installation steps, read from docs/install/ (the files the READMEs copy),
 * to a Backstage app made by @backstage/create-app, the way a platform engineer would by hand:
 * for a legacy app (--legacy) the edits of EntityPage.tsx, App.tsx and Root.tsx; for a default
 * (new frontend system) app, feature discovery, which needs only the package. Then it adds what this test alone needs: the machine's install pins and a local
 * config pointing at the ARM emulator. Fails, naming the file and the anchor, when the app no
 * longer has a place a step expects (a create-app template change the READMEs must follow).
 * Usage: node scripts/adoption/apply-install-steps.js APP_DIR PACKS_DIR legacy|new
 */
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

/** The create-app release that made the app (scripts/test-adoption.sh sets it). */
const CREATE_APP_VERSION = process.env.CREATE_APP_VERSION ?? '0.9.2';

const ROOT = path.resolve(__dirname, '../..');
const INSTALL = path.join(ROOT, 'docs/install');
const [appDir, packsDir] = process.argv.slice(2, 4).map(p => path.resolve(p));
const frontendSystem = process.argv[4];
if (!appDir || !packsDir || !['legacy', 'new'].includes(frontendSystem)) {
  console.error(
    'Usage: node scripts/adoption/apply-install-steps.js APP_DIR PACKS_DIR legacy|new',
  );
  process.exit(2);
}

const snippet = name => fs.readFileSync(path.join(INSTALL, name), 'utf8');
const appFile = rel => path.join(appDir, rel);
const readJson = rel => JSON.parse(fs.readFileSync(appFile(rel), 'utf8'));
const writeJson = (rel, value) =>
  fs.writeFileSync(appFile(rel), `${JSON.stringify(value, null, 2)}\n`);

/** Inserts text after the first line containing `anchor` that follows `section`. */
function insertAfterLine(rel, section, anchor, text) {
  const source = fs.readFileSync(appFile(rel), 'utf8');
  const sectionAt = section ? source.indexOf(section) : 0;
  const anchorAt = sectionAt < 0 ? -1 : source.indexOf(anchor, sectionAt);
  if (anchorAt < 0) {
    throw new Error(
      `${rel}: expected "${anchor}"${
        section ? ` after "${section}"` : ''
      }, found none`,
    );
  }
  const lineEnd = source.indexOf('\n', anchorAt) + 1;
  fs.writeFileSync(
    appFile(rel),
    source.slice(0, lineEnd) + text + source.slice(lineEnd),
  );
}

/** Inserts text before the first line containing `anchor`. */
function insertBeforeLine(rel, anchor, text) {
  const source = fs.readFileSync(appFile(rel), 'utf8');
  const anchorAt = source.indexOf(anchor);
  if (anchorAt < 0) throw new Error(`${rel}: expected "${anchor}", found none`);
  const lineStart = source.lastIndexOf('\n', anchorAt) + 1;
  fs.writeFileSync(
    appFile(rel),
    source.slice(0, lineStart) + text + source.slice(lineStart),
  );
}

const prepend = (rel, text) =>
  fs.writeFileSync(
    appFile(rel),
    `${text}\n${fs.readFileSync(appFile(rel), 'utf8')}`,
  );
const append = (rel, text) =>
  fs.appendFileSync(appFile(rel), `\n${text.replace(/\n*$/, '\n')}`);

// Our packages come from the packed tarballs (not published here); anything else a README asks
// to add takes the range our own Backstage uses, which is the same release as create-app's.
const ourBackendDeps = JSON.parse(
  fs.readFileSync(path.join(ROOT, 'packages/backend/package.json'), 'utf8'),
).dependencies;
const tarballOf = name =>
  path.join(packsDir, `${name.replace('@defender-apis/plugin-', '')}.tgz`);
function versionFor(name) {
  if (name.startsWith('@defender-apis/')) {
    if (!fs.existsSync(tarballOf(name))) {
      throw new Error(`no packed tarball for ${name} at ${tarballOf(name)}`);
    }
    return `file:${tarballOf(name)}`;
  }
  if (!ourBackendDeps[name]) {
    throw new Error(
      `the README adds ${name}, which packages/backend does not use`,
    );
  }
  return ourBackendDeps[name];
}

// 1. `yarn --cwd <workspace> add <packages>`: the same edit yarn add makes, then one install.
for (const file of ['yarn-add.sh', 'yarn-add-tech-insights.sh']) {
  for (const line of snippet(file).split('\n')) {
    const match = line.match(/^yarn --cwd (\S+) add (.+)$/);
    if (!match) continue;
    const rel = path.join(match[1], 'package.json');
    const pkg = readJson(rel);
    for (const name of match[2].trim().split(/\s+/)) {
      pkg.dependencies[name] = versionFor(name);
    }
    writeJson(rel, pkg);
  }
}

// 2. The backend.
for (const file of ['backend-index.ts', 'backend-index-tech-insights.ts']) {
  insertBeforeLine(
    'packages/backend/src/index.ts',
    'backend.start();',
    snippet(file),
  );
}

// 3. The frontend.
if (frontendSystem === 'legacy') {
  // The entity pages, the governance page route and its sidebar item.
  const entityPage = 'packages/app/src/components/catalog/EntityPage.tsx';
  prepend(entityPage, snippet('entity-page-imports.tsx'));
  insertAfterLine(
    entityPage,
    'const apiPage = (',
    '{entityWarningContent}',
    snippet('entity-page-api-card.tsx'),
  );
  for (const page of ['const groupPage = (', 'const systemPage = (']) {
    insertAfterLine(
      entityPage,
      page,
      '<Grid container spacing={3}',
      snippet('entity-page-overview-card.tsx'),
    );
  }
  prepend('packages/app/src/App.tsx', snippet('app-imports.tsx'));
  insertBeforeLine(
    'packages/app/src/App.tsx',
    '</FlatRoutes>',
    snippet('app-route.tsx'),
  );
  const root = 'packages/app/src/components/Root/Root.tsx';
  prepend(root, snippet('sidebar-imports.tsx'));
  insertAfterLine(
    root,
    '<SidebarGroup label="Menu"',
    'to="api-docs"',
    snippet('sidebar-item.tsx'),
  );
} else {
  // The README's first way: with feature discovery, create-app's default, adding the package
  // (step 1) is all; the plugin's extensions then come in by themselves.
  const appConfig = fs.readFileSync(appFile('app-config.yaml'), 'utf8');
  if (!/^app:\n(?:[ \t].*\n|\n)*?[ \t]+packages: all$/m.test(appConfig)) {
    throw new Error(
      'app-config.yaml: expected app.packages: all (feature discovery, which the README relies on for the new frontend system), found none',
    );
  }
  // The README's other way, listing the plugin in createApp's features, is type-checked beside
  // the app (yarn tsc) without replacing its App.tsx.
  fs.writeFileSync(
    appFile('packages/app/src/AppWithExplicitFeatures.tsx'),
    snippet('app-new-frontend-system.tsx'),
  );
}

// 4. Configuration and an annotated API entity.
append('app-config.yaml', snippet('app-config.yaml'));
append('app-config.yaml', snippet('app-config-tech-insights.yaml'));
fs.writeFileSync(
  appFile('examples/defender-apis.yaml'),
  snippet('catalog-info.yaml'),
);
// Not a README step: the API's owner, so its group page can show the overview card.
fs.writeFileSync(
  appFile('examples/defender-apis-owner.yaml'),
  `apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: team-payments
spec:
  type: team
  children: []
`,
);

// What this test alone needs, not the README's steps:
// - this repository's install pins (package.json, .env.yarn, yarn.lock): platform builds the
//   registry lacks, a node-gyp that runs on Node 20, native builds against Debian's Node
//   headers; and the Backstage release set the plugins are tested with;
// - our unpublished common package, which the tarballs depend on by version;
// - a local config: the ARM emulator instead of Azure, the app served by the backend, the
//   annotated entity and its owner group as the catalog's only locations.
const root = readJson('package.json');
const ourRoot = JSON.parse(
  fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'),
);
root.resolutions = {
  ...root.resolutions,
  ...Object.fromEntries(
    Object.entries(ourRoot.resolutions).filter(
      ([name]) => !name.startsWith('@types/'),
    ),
  ),
  '@defender-apis/plugin-defender-apis-common': versionFor(
    '@defender-apis/plugin-defender-apis-common',
  ),
};
root.dependenciesMeta = {
  ...root.dependenciesMeta,
  ...ourRoot.dependenciesMeta,
};
writeJson('package.json', root);
fs.copyFileSync(path.join(ROOT, '.env.yarn'), appFile('.env.yarn'));
// create-app 0.9.2's ranges also match later Backstage releases, and a plain install mixes them
// (signals-backend 0.3.21 then calls httpRouter.addWebSocketHandler, which backend-defaults
// 0.18 lacks, and the backend fails to start). Our lockfile holds the release set (1.55) the
// plugins are tested with; yarn keeps the entries that match and resolves the rest.
fs.copyFileSync(path.join(ROOT, 'yarn.lock'), appFile('yarn.lock'));
// What our lockfile does not hold is resolved as the registry was two weeks after this
// create-app was released (its own patch releases came days later; the next Backstage release,
// two months later): packages published since then are too young for yarn's age gate.
const released = JSON.parse(
  execFileSync('npm', ['view', '@backstage/create-app', 'time', '--json'], {
    encoding: 'utf8',
  }),
)[CREATE_APP_VERSION];
const ageDays =
  Math.floor((Date.now() - Date.parse(released)) / 86_400_000) - 14;
fs.writeFileSync(
  appFile('.yarnrc.yml'),
  fs
    .readFileSync(appFile('.yarnrc.yml'), 'utf8')
    .replace(/^npmMinimalAgeGate:.*$/m, `npmMinimalAgeGate: ${ageDays}d`)
    .replace(/^npmPreapprovedPackages:\n(  - .*\n)*/m, ''),
);

const emulatorServices = [
  [
    'contoso-payments-apim',
    '11111111-1111-1111-1111-111111111111',
    'rg-payments',
  ],
  ['contoso-edge-apim', '11111111-1111-1111-1111-111111111111', 'rg-edge'],
];
fs.writeFileSync(
  appFile('app-config.local.yaml'),
  `# Written by the adoption test (scripts/adoption/apply-install-steps.js).
app:
  baseUrl: http://localhost:7007
backend:
  baseUrl: http://localhost:7007
  cors:
    origin: http://localhost:7007
catalog:
  locations:
    - type: file
      target: ../../examples/defender-apis.yaml
    - type: file
      target: ../../examples/defender-apis-owner.yaml
      rules:
        - allow: [Group]
defenderApis:
  azure:
    resourceManagerEndpoint: https://localhost:8443
    credential:
      type: emulator
  apiManagement:
    services:
${emulatorServices
  .map(
    ([name, subscriptionId, resourceGroup]) =>
      `      - name: ${name}\n        subscriptionId: ${subscriptionId}\n        resourceGroup: ${resourceGroup}\n`,
  )
  .join('')}`,
);
console.log(`Applied the installation steps of docs/install/ to ${appDir}`);
