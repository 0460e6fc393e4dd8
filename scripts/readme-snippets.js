#!/usr/bin/env node
/*
 * The installation steps in the READMEs are copies of the files in docs/install/, which the
 * adoption test (scripts/adoption/) applies to a fresh Backstage app; this keeps the copies equal.
 *
 * In a README, a snippet is a fenced code block right after a marker line:
 *
 *   <!-- snippet: docs/install/backend-index.ts -->
 *   ```ts
 *   ...the file's text...
 *   ```
 *
 * `--write` replaces each block's text with its file's; `--check` (the default) fails and names
 * each block that differs from its file, or marker whose file does not exist.
 * Usage: node scripts/readme-snippets.js [--check | --write]
 */
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const READMES = [
  'README.md',
  ...fs
    .readdirSync(path.join(ROOT, 'plugins'))
    .map(dir => path.join('plugins', dir, 'README.md')),
].filter(file => fs.existsSync(path.join(ROOT, file)));

const SNIPPET = /(<!-- snippet: (\S+) -->\n```[^\n]*\n)([\s\S]*?)(```)/g;

const write = process.argv.includes('--write');
const problems = [];
let snippets = 0;

for (const readme of READMES) {
  const file = path.join(ROOT, readme);
  const text = fs.readFileSync(file, 'utf8');
  const updated = text.replace(SNIPPET, (block, head, source, body, fence) => {
    snippets += 1;
    const sourceFile = path.join(ROOT, source);
    if (!fs.existsSync(sourceFile)) {
      problems.push(`${readme}: snippet file ${source} does not exist`);
      return block;
    }
    const wanted = fs.readFileSync(sourceFile, 'utf8').replace(/\n*$/, '\n');
    if (body !== wanted && !write) {
      problems.push(
        `${readme}: the block after "snippet: ${source}" differs from that file`,
      );
    }
    return `${head}${wanted}${fence}`;
  });
  if (write && updated !== text) {
    fs.writeFileSync(file, updated);
    console.log(`updated ${readme}`);
  }
}

if (problems.length) {
  console.error(
    `${problems.join(
      '\n',
    )}\nRun \`node scripts/readme-snippets.js --write\` after editing docs/install/.`,
  );
  process.exit(1);
}
console.log(`${snippets} README snippets match docs/install/`);
