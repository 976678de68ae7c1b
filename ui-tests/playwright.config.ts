import { defineConfig } from '@playwright/test';
import chromium from './chromium.json';

/**
 * Browser tests: Debian's chromium (never a downloaded browser) against the embedded
 * JupyterLab and the real medflow kernel, started once by global-setup.ts.
 */
export default defineConfig({
  testDir: './tests',
  outputDir: './artifacts/results',
  timeout: 8 * 60_000,
  expect: { timeout: 30_000 },
  workers: 1,
  retries: 0,
  reporter: [['list'], ['html', { outputFolder: 'artifacts/report', open: 'never' }]],
  globalSetup: './global-setup.ts',
  use: {
    browserName: 'chromium',
    viewport: { width: 1400, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      // Debian's chromium (never a downloaded browser), with the flags this closed network needs.
      executablePath: process.env.MEDFLOW_CHROMIUM || chromium.executablePath,
      args: chromium.args
    }
  }
});
