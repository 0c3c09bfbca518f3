import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { findBinary } from './binaries.js';

/** Where tests leave what a person would look at (screenshots); gitignored. */
export const ARTIFACTS_DIR = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

/** The path of an artifact file, its folder created. */
export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return join(ARTIFACTS_DIR, name);
}

/** Debian's Chromium, headless, driven by playwright-core (which brings no browser of its own). */
export function launchChromium(): Promise<Browser> {
  // The sandbox needs user namespaces that CI's root session does not offer.
  return chromium.launch({ executablePath: findBinary('chromium'), headless: true, args: ['--no-sandbox'] });
}

/** A page that records every console error and uncaught exception it meets. */
export async function watchedPage(browser: Browser): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`exception: ${e.message}`));
  return { page, errors };
}
