// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'cdk.out/',
      'dist/',
      'coverage/',
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
  prettier,
);
