#!/usr/bin/env node
// Thin launcher for the bundled CLI (dist/ is built by `npm run build`, which `npm ci` runs via `prepare`).
const { main } = require('../dist/cli.js');
main(process.argv.slice(2)).then(
  (code) => process.stdout.write('', () => process.exit(code)),
  (err) => {
    process.stderr.write(`error: ${err && err.message ? err.message : err}\n`);
    process.exit(1);
  },
);
