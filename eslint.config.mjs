import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
  {
    files: ['src/**/*.ts'],
    ignores: ['src/client/commands/lab*.ts', 'src/client/commands/demo*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/lab/**', '../../lab/*'], message: 'src/ never imports the lab (only the CLI lab commands may).' }] }],
    },
  },
  {
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['fs', 'node:*', 'child_process', 'net', 'os', 'crypto', 'http', 'https', 'ssh2'], message: 'Workflows are deterministic: side effects belong in activities.' },
            { group: ['../activities/*', '!../activities/types'], message: 'Workflows import activity types only.', allowTypeImports: true },
            { group: ['../../lab/*', '../lab/*'], message: 'Workflows never know about the lab.' },
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
