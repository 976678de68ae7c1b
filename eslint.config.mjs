import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'lib/',
      'labextension/',
      'app/build/',
      'app/schemas/',
      'app/themes/',
      'app/static/',
      'ui-tests/artifacts/',
      'test-results/',
      'data/',
      'kernel/assembly/median-network.ts',
      'kernel/assembly/transpose.ts'
    ]
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }
      ],
      '@typescript-eslint/no-require-imports': 'off'
    }
  },
  {
    files: ['src/**/*.ts', 'src/**/*.tsx', 'app/*.js'],
    languageOptions: { globals: { ...globals.browser } }
  },
  prettier
);
