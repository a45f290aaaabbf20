import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** src/ knows the lab only as types, and the lab and demo commands load it lazily (the worker image has none). */
const LAB_ONLY_LAZILY = { regex: '^(\\.\\./)+lab(/|$)', message: 'src/ never imports the lab (type imports aside; lab/demo commands require() it lazily).', allowTypeImports: true };
const NOT_THE_CLI = { regex: '^(\\.\\./)+client(/|$)', message: 'Nothing below the CLI imports from src/client (errors live in src/errors.ts).' };

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.kubeha/', '.lab/', 'test/golden/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  // Import boundaries, at any folder depth (module paths point with the flow: the contract and
  // errors sit below everything that uses them; nothing low imports from the CLI).
  {
    files: ['src/**/*.ts'],
    ignores: ['src/client/commands/demo-run.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [LAB_ONLY_LAZILY] }],
    },
  },
  {
    files: ['src/{activities,codec,plan,remote,render,shared,spec,ssh}/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [LAB_ONLY_LAZILY, NOT_THE_CLI] }],
    },
  },
  {
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            LAB_ONLY_LAZILY,
            NOT_THE_CLI,
            { group: ['fs', 'node:*', 'child_process', 'net', 'os', 'crypto', 'http', 'https', 'ssh2', 'pino'], message: 'Workflows are deterministic: side effects belong in activities.' },
            { regex: '^(\\.\\./)+(activities)(/(?!types$)[^/]+)?$', message: 'Workflows import activity types (the contract) only, never an implementation.', allowTypeImports: true },
            { regex: '^(\\.\\./)+(ssh|codec|worker|temporal|remote|render)(/|$)', message: 'Workflows never reach I/O modules.' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
    languageOptions: { globals: { module: 'writable', require: 'readonly', process: 'readonly', __dirname: 'readonly' } },
  },
);
