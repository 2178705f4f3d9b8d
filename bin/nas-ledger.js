#!/usr/bin/env node
'use strict';
// The CLI is compiled TypeScript; `npm run build` produces dist/.
const path = require('node:path');
const fs = require('node:fs');
const entry = path.join(__dirname, '..', 'dist', 'src', 'cli', 'main.js');
if (!fs.existsSync(entry)) {
  process.stderr.write('nas-ledger: not built yet. Run `npm ci && npm run build` in ' + path.dirname(__dirname) + '\n');
  process.exit(70);
}
// A reader that stops early (`| head`) closes stdout: finish quietly, as Unix tools do.
process.stdout.on('error', (error) => { if (error.code === 'EPIPE') process.exit(0); throw error; });
require(entry).main(process.argv).then((code) => { process.exitCode = code; });
