// Lint rules that hold the layering: everything outside the contract imports it by its alias
// (#contract/<module>.js, package.json "imports"), never by a relative path; the renderer may import
// only the contract from electron/; the contract imports nothing outside itself but zod; services import neither electron nor the
// transports (electron/main, server, cli); the CLI, the bridge server and the backend never import
// electron/main.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

// Anything but the contract's own modules and zod (its tests may also import vitest).
const CONTRACT_OUTSIDE = '^(?!\\./|zod(/|$))';
const CONTRACT_TEST_OUTSIDE = '^(?!\\./|zod(/|$)|vitest$)';
const CONTRACT_MESSAGE = 'electron/contract imports nothing but its own modules and zod: it is pure data shared with the renderer.';
const NO_ELECTRON = { name: 'electron', message: 'Services run without Electron (bridge, CLI, tests); only electron/main may import it.' };
const NO_ELECTRON_SUBPATH = { regex: '^electron/', message: NO_ELECTRON.message };
const CONTRACT_BY_ALIAS = { regex: '^\\.\\.?/(.*/)?contract/', message: 'Import the contract by its alias: #contract/<module>.js.' };

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-results/**', 'resources/bin/**', 'charts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        fetch: 'readonly',
        AbortController: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-imports': ['error', { patterns: [CONTRACT_BY_ALIAS] }],
      // Prettier wraps code at 140; this also holds comments and type literals it leaves alone.
      'max-len': ['error', { code: 140, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreUrls: true, ignoreRegExpLiterals: true }],
    },
  },
  {
    files: ['renderer/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            CONTRACT_BY_ALIAS,
            {
              regex: '(^|/)electron/',
              message: 'The renderer may import only the contract (#contract/…); go through renderer/src/bridge.ts.',
            },
            { regex: '^(node:|electron$)', message: 'The renderer runs in a browser: no Node or Electron modules.' },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/contract/**/*.ts'],
    ignores: ['electron/contract/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: CONTRACT_OUTSIDE, message: CONTRACT_MESSAGE }] }],
    },
  },
  {
    files: ['electron/contract/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: CONTRACT_TEST_OUTSIDE, message: CONTRACT_MESSAGE }] }],
    },
  },
  {
    files: ['electron/services/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [NO_ELECTRON],
          patterns: [
            NO_ELECTRON_SUBPATH,
            CONTRACT_BY_ALIAS,
            {
              regex: '^(\\.\\.?/)+(electron/)?(server|cli|main)(/|$)',
              message: 'Services are called by the transports (electron/main, electron/server, electron/cli), never the other way round.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/server/**/*.ts', 'electron/cli/**/*.ts', 'electron/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [NO_ELECTRON],
          patterns: [
            NO_ELECTRON_SUBPATH,
            CONTRACT_BY_ALIAS,
            {
              regex: '^(\\.\\.?/)+(electron/)?main(/|$)',
              message: 'electron/main is the Electron composition root: the CLI, the bridge server and the backend run without it.',
            },
          ],
        },
      ],
    },
  },
);
