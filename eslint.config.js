// Lint rules of style.md. Type-aware (typescript-eslint projectService) so that floating promises
// and non-exhaustive switches are caught; import-x catches circular imports.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

const ADAPTER_ONLY = [
  { name: 'kafkajs', message: 'Only packages/kafka talks to kafkajs: use @ipasn/kafka.' },
  { name: 'ioredis', message: 'Only packages/redis talks to ioredis: use @ipasn/redis.' },
  { name: 'bullmq', message: 'Only packages/queue talks to bullmq: use @ipasn/queue.' },
];

// A package never imports a service: what two services (or a service and the CLI) share is a package.
const NO_SERVICES = [
  {
    group: ['@ipasn/normalizer', '@ipasn/scorer', '@ipasn/projector', '@ipasn/console', '@ipasn/gateway', '**/services/**'],
    message: 'packages/* never import a service: move what they share into a package (e.g. employee states are @ipasn/profiles, verify/rebuild are @ipasn/ops).',
  },
];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.turbo/**', '.local/**', 'infra/kafka/**', 'test-artifacts/**', '**/*.config.*', '**/public/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      'import-x/no-cycle': 'error',
      'no-restricted-imports': ['error', { paths: ADAPTER_ONLY }],
      'no-console': 'error',
    },
  },
  {
    files: ['packages/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ADAPTER_ONLY,
          patterns: NO_SERVICES,
        },
      ],
    },
  },
  // The adapter packages are where those clients live.
  { files: ['packages/kafka/**'], rules: { 'no-restricted-imports': ['error', { paths: ADAPTER_ONLY.filter((p) => p.name !== 'kafkajs'), patterns: NO_SERVICES }] } },
  { files: ['packages/redis/**'], rules: { 'no-restricted-imports': ['error', { paths: ADAPTER_ONLY.filter((p) => p.name !== 'ioredis'), patterns: NO_SERVICES }] } },
  { files: ['packages/queue/**'], rules: { 'no-restricted-imports': ['error', { paths: ADAPTER_ONLY.filter((p) => p.name === 'kafkajs'), patterns: NO_SERVICES }] } },
  // CLIs print to the user; tests may print diagnostics.
  { files: ['packages/cli/**', '**/bin/**', '**/bench/**', '**/src/bench.ts', 'test/**'], rules: { 'no-console': 'off' } },
  {
    files: ['**/test/**', '**/*.test.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off', '@typescript-eslint/unbound-method': 'off' },
  },
);
