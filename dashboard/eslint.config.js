import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const features = ['dashboards', 'export', 'live', 'offline', 'operations', 'session', 'theme', 'widgets'];

export default tseslint.config(
  { ignores: ['dist', 'coverage', 'node_modules', 'dev-dist', 'src/lib/api-schema.d.ts', 'e2e-artifacts'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // with noUncheckedIndexedAccess, `!` marks lookups the code has just made sure of
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  { files: ['**/*.{js,mjs}'], languageOptions: { globals: globals.node } },
  // end-to-end tests run in Node and hand functions to the browser
  { files: ['e2e/**'], languageOptions: { globals: { ...globals.node, ...globals.browser } } },
  // imports go one way: app -> features -> shared (components, lib, config); features never import each other
  {
    files: ['src/components/**', 'src/lib/**', 'src/config/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['@/app/*', '@/features/*'] }] },
  },
  ...features.map((feature) => ({
    files: [`src/features/${feature}/**`],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: ['@/app/*', ...features.filter((f) => f !== feature).map((f) => `@/features/${f}/*`)],
      }],
    },
  })),
);
