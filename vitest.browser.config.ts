import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * Browser tests: the built dashboard (npm run build) in Debian's headless chromium, against the real API on the
 * test PostgreSQL. .ci/run installs chromium; `npm run test:browser` builds first.
 */
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['test/browser/**/*.browser.spec.ts'],
    exclude: ['node_modules/**'],
    testTimeout: 120_000,
    maxWorkers: 1,
  },
});
