#!/usr/bin/env node
/*
 * Checks one packed plugin tarball: every file its package.json points to (main, types, module,
 * exports, configSchema) is inside, declarations and README are there, no TypeScript source or
 * test is, and no dependency is left as a `workspace:` range.
 * Usage: node scripts/check-pack.js path/to/package.tgz
 */
const { execFileSync } = require('node:child_process');

const tarball = process.argv[2];
if (!tarball) {
  console.error('Usage: node scripts/check-pack.js path/to/package.tgz');
  process.exit(2);
}

const files = new Set(
  execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map(name => name.replace(/^package\//, '')),
);
const pkg = JSON.parse(
  execFileSync('tar', ['xzf', tarball, '-O', 'package/package.json'], {
    encoding: 'utf8',
  }),
);

const problems = [];
const pointedTo = [pkg.main, pkg.types, pkg.module, pkg.configSchema];
for (const target of Object.values(pkg.exports ?? {})) {
  if (typeof target === 'string') pointedTo.push(target);
  else pointedTo.push(...Object.values(target));
}
for (const path of pointedTo) {
  if (typeof path !== 'string' || path.startsWith('@')) continue; // "@backstage/..." markers
  const name = path.replace(/^\.\//, '');
  if (!files.has(name))
    problems.push(
      `package.json points to ${name}, which is not in the tarball`,
    );
}
if (!files.has('README.md')) problems.push('README.md is missing');
if (![...files].some(name => name.endsWith('.d.ts')))
  problems.push('no type declarations (.d.ts)');
for (const name of files) {
  if (/^src\//.test(name) || /\.test\.[jt]sx?$/.test(name)) {
    problems.push(`source or test file packed: ${name}`);
  }
}
for (const field of ['dependencies', 'peerDependencies']) {
  for (const [dep, range] of Object.entries(pkg[field] ?? {})) {
    if (range.startsWith('workspace:'))
      problems.push(`${field}.${dep} is still ${range}`);
  }
}
for (const field of ['backstage', 'repository', 'keywords', 'files']) {
  if (!pkg[field]) problems.push(`package.json has no "${field}"`);
}

if (problems.length) {
  console.error(`${pkg.name} (${tarball}):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(
  `${pkg.name}@${pkg.version}: ${files.size} files, entry points and types present`,
);
