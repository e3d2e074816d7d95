// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'cdk.out/',
      'dist/',
      'coverage/',
      'dist-lang/',
      '.tmp/',
      '**/*.js',
      '**/*.mjs',
      '**/*.d.ts',
      'test/**/__snapshots__/',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { 'import-x': importX },
    // Resolve relative TypeScript imports, so the import rules (no-cycle above all) see the graph.
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'] })],
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
      'import-x/order': [
        'error',
        {
          groups: ['builtin', 'external', 'internal', 'parent', 'sibling', 'index'],
          'newlines-between': 'always',
          alphabetize: { order: 'asc', caseInsensitive: true },
        },
      ],
      'import-x/no-duplicates': 'error',
    },
  },
  {
    // Imports point down: no circles anywhere in the library or the function.
    files: ['lib/**/*.ts', 'lambda/**/*.ts'],
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'max-lines': ['error', { max: 500, skipBlankLines: false, skipComments: false }],
    },
  },
  {
    // lib/detection is the pure source of truth: the Lambda, the constructs and the tests share it.
    files: ['lib/detection/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs', '@aws-sdk/*', 'cdk-nag'],
              message: 'lib/detection must stay pure.',
            },
            { group: ['../*', 'node:*'], message: 'lib/detection imports only itself.' },
          ],
        },
      ],
    },
  },
  {
    // The guardrail statements are pure too: the SCP, the IAM policy, landing zones merging them into
    // their own SCP, and the tests all build them without CDK.
    files: ['lib/prevention/options.ts', 'lib/prevention/statements.ts', 'lib/prevention/policy-document.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs', '@aws-sdk/*', 'cdk-nag'],
              message: 'The guardrail statements must stay pure.',
            },
            {
              group: ['node:*', '../*', '!../detection'],
              message: 'The guardrail statements import only lib/detection and each other.',
            },
          ],
        },
      ],
    },
  },
  prettier,
);
