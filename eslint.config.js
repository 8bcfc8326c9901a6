// Lint: the recommended JS + TypeScript rules, Svelte's rules for components. Type-checking is tsc's job.
import js from '@eslint/js';
import ts from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

export default ts.config(
  { ignores: ['node_modules/', '.scratch/', 'build/', '.svelte-kit/', '.data/', 'bench/out/', 'contracts/json-schema/'] },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs['flat/recommended'],
  { languageOptions: { globals: { ...globals.node, ...globals.browser } } },
  { files: ['**/*.svelte', '**/*.svelte.ts'], languageOptions: { parserOptions: { parser: ts.parser } } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration in a config.ts through runtime/env.ts.' }],
    },
  },
  { files: ['runtime/env.ts'], rules: { 'no-restricted-properties': 'off' } },
);
