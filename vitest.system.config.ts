import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/** System tests: need Debian packages (mariadb-server, iputils-ping…), which .ci/run installs. */
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['test/system/**/*.system.spec.ts'],
    exclude: ['node_modules/**'],
    testTimeout: 60_000,
    maxWorkers: 1,
  },
});
