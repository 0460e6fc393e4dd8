#!/usr/bin/env node
/* eslint-disable */
// Sizes of the frontend plugin's lazily loaded parts, from its built `dist` (scripts/pack-plugins.sh
// builds it): for each entry, the plugin's own modules and those of -common it imports
// statically, concatenated and gzipped, as a bundler would put them in the entry's chunk (the
// app's shared libraries, React, Material UI and Backstage's packages, are not counted). Fails
// when the entity card is over its budget, or when a card reaches a charting library without a
// dynamic import. Usage: node scripts/bundle-size.js
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const ROOT = path.resolve(__dirname, '..');
const PLUGIN_DIST = path.join(ROOT, 'plugins/defender-apis/dist');
const COMMON_DIST = path.join(ROOT, 'plugins/defender-apis-common/dist');
const CARD_BUDGET_KB = 40;
const CHARTING = /^(recharts|d3-|victory)/;

const ENTRIES = [
  ['entity card', 'components/EntityDefenderApisCard/index.esm.js', true],
  [
    'overview card',
    'components/EntityDefenderApisOverviewCard/index.esm.js',
    true,
  ],
  [
    'governance page',
    'components/DefenderApisGovernancePage/index.esm.js',
    false,
  ],
  ['history chart (lazy)', 'components/history/HistoryChart.esm.js', false],
];

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;
const DYNAMIC = /import\(\s*['"]([^'"]+)['"]\s*\)/g;

function resolve(from, specifier) {
  if (specifier.startsWith('.'))
    return path.resolve(path.dirname(from), specifier);
  if (specifier === '@defender-apis/plugin-defender-apis-common')
    return path.join(COMMON_DIST, 'index.esm.js');
  return undefined;
}

/** The modules an entry reaches through static imports, and what else it names. */
function graph(entry) {
  const files = new Set();
  const external = new Set();
  const dynamic = new Set();
  const visit = file => {
    if (files.has(file)) return;
    if (!fs.existsSync(file))
      throw new Error(
        `${file} is missing: build the plugins first (scripts/pack-plugins.sh)`,
      );
    files.add(file);
    const text = fs.readFileSync(file, 'utf8');
    for (const match of text.matchAll(IMPORT)) {
      const specifier = match[1] ?? match[2];
      const local = resolve(file, specifier);
      if (local) visit(local);
      else
        external.add(
          specifier.startsWith('@')
            ? specifier.split('/').slice(0, 2).join('/')
            : specifier.split('/')[0],
        );
    }
    for (const match of text.matchAll(DYNAMIC)) dynamic.add(match[1]);
  };
  visit(entry);
  return { files, external, dynamic };
}

let failed = false;
const kb = bytes => (bytes / 1024).toFixed(1);
console.log('entry                  modules  raw kB  gzip kB  dynamic imports');
for (const [name, file, budgeted] of ENTRIES) {
  const { files, external, dynamic } = graph(path.join(PLUGIN_DIST, file));
  const source = Buffer.concat([...files].map(f => fs.readFileSync(f)));
  const gzip = zlib.gzipSync(source, { level: 9 }).length;
  console.log(
    `${name.padEnd(22)} ${String(files.size).padStart(7)} ${kb(
      source.length,
    ).padStart(7)} ${kb(gzip).padStart(8)}  ${[...dynamic].join(', ') || '-'}`,
  );
  const charting = [...external].filter(p => CHARTING.test(p));
  if (budgeted && charting.length > 0) {
    console.log(
      `  FAIL: ${name} imports ${charting.join(
        ', ',
      )} statically; load charts with a dynamic import`,
    );
    failed = true;
  }
  if (name === 'entity card' && gzip > CARD_BUDGET_KB * 1024) {
    console.log(
      `  FAIL: the entity card is ${kb(
        gzip,
      )} kB gzip, over its ${CARD_BUDGET_KB} kB budget`,
    );
    failed = true;
  }
  if (name.startsWith('history chart'))
    console.log(
      `  loads: ${[...external].filter(p => CHARTING.test(p)).join(', ')}`,
    );
}
console.log(
  failed
    ? 'bundle sizes: over budget'
    : `bundle sizes: within budget (entity card <= ${CARD_BUDGET_KB} kB gzip, no chart library in the cards' chunks)`,
);
process.exitCode = failed ? 1 : 0;
