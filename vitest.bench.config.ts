import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/** Benchmarks that need the network-namespace lab (root, Debian packages): run with vitest so they share the lab code. */
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['bench/**/*.bench.spec.ts'],
    exclude: ['node_modules/**'],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    maxWorkers: 1,
  },
});
