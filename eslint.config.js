import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { boundaries } from './tools/eslint/boundaries.js';

const SYNCHRONIZE = { selector: "Property[key.name='synchronize'][value.value=true]", message: 'schema changes go through migrations/ only' };

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.vigia/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    plugins: { vigia: { rules: { boundaries } } },
    rules: {
      'vigia/boundaries': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', SYNCHRONIZE],
    },
  },
  {
    // Library code asks the injected CLOCK for "now" (tests set it); a duration this process measures (a deadline on
    // real waits, a cache's age, a silence) uses performance.now(). Only the system clock itself reads the wall.
    files: ['libs/**/*.ts'],
    ignores: ['libs/**/*.spec.ts', 'libs/common/src/clock.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        SYNCHRONIZE,
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'now is the injected CLOCK\'s (clock.now()); a measured duration uses performance.now()' },
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'now is the injected CLOCK\'s (clock.now()); a measured duration uses performance.now()' },
      ],
    },
  },
);
