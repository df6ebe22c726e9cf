import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      // Tests import libraries from source, exactly as package.json "imports" maps them for the compiled code.
      { find: /^#lib\/([a-z-]+)$/, replacement: `${root}libs/$1/src/index.ts` },
      { find: /^#migrations$/, replacement: `${root}migrations/index.ts` },
      // One graphql instance: Nest and Apollo load its CommonJS build, so must everything else.
      { find: /^graphql$/, replacement: require.resolve('graphql') },
    ],
  },
  test: {
    include: ['libs/**/*.spec.ts', 'apps/**/*.spec.ts', 'test/**/*.spec.ts', 'tools/**/*.spec.ts'],
    exclude: ['test/system/**', 'test/browser/**', 'node_modules/**'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two cores: more workers than that only makes each test slower.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
