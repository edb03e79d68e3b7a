/** One jest run for the whole repo: unit specs beside their code, end-to-end specs in test/. */
module.exports = {
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true } }] },
  testRegex: '.*\\.(spec|e2e-spec)\\.ts$',
  roots: ['<rootDir>/libs', '<rootDir>/training', '<rootDir>/apps', '<rootDir>/test'],
  moduleNameMapper: {
    '^@live-digits/shared$': '<rootDir>/libs/shared/src',
    '^@live-digits/shared/(.*)$': '<rootDir>/libs/shared/src/$1',
    '^@live-digits/digit-data/(.*)$': '<rootDir>/libs/digit-data/src/$1',
  },
  testTimeout: 60000,
};
