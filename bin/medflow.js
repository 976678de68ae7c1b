#!/usr/bin/env node
// The `medflow` command. The implementation is compiled TypeScript (kernel/src/cli/main.ts).
'use strict';
require('../dist/kernel/cli/main.js')
  .main(process.argv.slice(2))
  .then(
    code => {
      if (typeof code === 'number') process.exitCode = code;
    },
    err => {
      console.error(`medflow: ${err && err.message ? err.message : err}`);
      process.exitCode = 1;
    }
  );
