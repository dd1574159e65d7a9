'use strict';
// Tests run straight from TypeScript sources: the `polytrace-src` export condition makes every
// `@polytrace/*` import resolve to `src/index.ts`, and tsx transpiles. Child-process tests that use
// `--require @polytrace/node/register` run against the built `dist/` (npm test builds first).
// The spec globs live in package.json's `test` script, so `npx mocha <dir>` runs just that directory.
module.exports = {
  extension: ['ts'],
  'node-option': ['conditions=polytrace-src', 'import=tsx'],
  timeout: 30000,
  exit: true,
};
