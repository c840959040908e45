import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['electron/**/*.test.ts', 'scripts/**/*.test.ts', 'tests/**/*.test.ts', 'workloads/**/*.test.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    // Real servers start on first use; a cold machine provisions them (downloads, builds) once.
    testTimeout: 120_000,
    hookTimeout: 45 * 60_000,
    // CI shares 2 cores between real servers and browsers: a test that times out under that load gets
    // one more try there (its assertions unchanged); locally a failure is reported at once.
    retry: process.env.CI ? 1 : 0,
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    reporters: ['default'],
  },
});
