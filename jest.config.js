/** Unit tests: the engine and the protocol layer (node), the widget models (src/). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/kernel/src', '<rootDir>/src'],
  testMatch: ['**/*.test.ts', '**/*.test.tsx'],
  transform: {
    '^.+\\.tsx?$': [
      'ts-jest',
      { tsconfig: 'kernel/tsconfig.test.json', isolatedModules: true, diagnostics: false }
    ]
  },
  testTimeout: 120000
};
