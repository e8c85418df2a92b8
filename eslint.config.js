import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'bin/', 'test/fixtures/recorded/', '.aicoder-test/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true, allowNullish: true },
      ],
      'no-console': 'error',
    },
  },
  {
    files: ['src/core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../daemon/*', '../mcp/*', '../client/*', '../cli/*', '../tui/*'],
              message: 'core imports no UI or transport',
            },
            {
              group: ['../store/*', '../git/*', '../process/*', '../providers/*', '../workspace/*'],
              message: 'core depends on ports, not implementations',
            },
            {
              group: [
                'ink',
                'react',
                'node:http',
                'http',
                '@modelcontextprotocol/*',
                'commander',
                'better-sqlite3',
                'execa',
                'chokidar',
                'simple-git',
              ],
              message: 'core imports no UI, transport or infrastructure',
            },
          ],
        },
      ],
    },
  },
  {
    // The daemon and its clients share local/; the daemon never imports client/ (test/protocol/import-graph.test.ts).
    files: ['src/daemon/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['../client/*'], message: 'daemon/ imports no client/: share code through local/' },
          ],
        },
      ],
    },
  },
  {
    // The contract imports nothing but zod: every folder may import it without pulling anything in.
    files: ['src/protocol/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!zod$|\\./)',
              message: 'protocol/ imports nothing but zod (and its own files)',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/cli/output.ts', 'src/cli/**/output*.ts', 'test/**', 'bench/**', 'scripts/**'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['test/**', 'bench/**', 'scripts/**', '*.config.ts', '*.config.js'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // A test's own deadline is a guess about the machine's speed: it must scale with the load
    // (test/helpers/load.ts `scaled`), as the configs' testTimeout and hookTimeout do.
    files: ['test/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            'CallExpression[callee.name=/^(it|test|beforeAll|beforeEach|afterAll|afterEach)$/] > Literal[raw=/^[0-9_]+$/]',
          message: 'Test and hook deadlines scale with the load: write scaled(ms) (test/helpers/load.ts).',
        },
        {
          selector: 'CallExpression[callee.object.name=/^(it|test|describe)$/] > Literal[raw=/^[0-9_]+$/]',
          message: 'Test and hook deadlines scale with the load: write scaled(ms) (test/helpers/load.ts).',
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
