'use strict';
// Tests run straight from TypeScript sources: the `polytrace-src` export condition makes every
// `@polytrace/*` import resolve to `src/index.ts`, and tsx transpiles. Child-process tests that use
// `--require @polytrace/node/register` run against the built `dist/` (npm test builds first).
module.exports = {
  extension: ['ts'],
  spec: [
    'packages/*/test/**/*.test.ts',
    'exporters/*/test/**/*.test.ts',
    'propagators/*/test/**/*.test.ts',
    'test/**/*.test.ts',
    'examples/*/test/**/*.test.ts',
  ],
  'node-option': ['conditions=polytrace-src', 'import=tsx'],
  timeout: 30000,
  exit: true,
};
