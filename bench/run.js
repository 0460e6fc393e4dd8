#!/usr/bin/env node
/* eslint-disable */
// `yarn bench`: runs the TypeScript sources directly through Backstage's node transform, as
// packages/arm-emulator/bin/arm-emulator does: no build step.
require('@backstage/cli/config/nodeTransform.cjs');
require('./src/main')
  .main(process.argv.slice(2))
  .then(code => {
    process.exitCode = code;
  })
  .catch(error => {
    console.error(`bench: ${error && error.stack ? error.stack : error}`);
    process.exitCode = 1;
  });
