// The `test` every spec uses: Playwright's, plus a guard that fails a test
// when the browser reports a Content-Security-Policy violation on any page it
// opened, in the default context or in one the test made itself. The policy
// (lib/start/security-headers.ts) must never break a page: a violation means
// a script or style the product needs was blocked.
import { test as base, expect, type BrowserContext } from '@playwright/test';

export { expect };

const VIOLATION = /Content Security Policy|Content-Security-Policy/i;

export const test = base.extend<{ cspViolations: string[] }>({
  cspViolations: [
    async ({ browser, context }, use) => {
      const seen: string[] = [];
      const watch = (c: BrowserContext) =>
        c.on('console', (m) => {
          if (m.type() === 'error' && VIOLATION.test(m.text())) seen.push(`${m.location().url}: ${m.text()}`);
        });
      watch(context);
      const newContext = browser.newContext.bind(browser);
      browser.newContext = async (...args) => {
        const c = await newContext(...args);
        watch(c);
        return c;
      };
      try {
        await use(seen);
      } finally {
        browser.newContext = newContext;
      }
      expect(seen, 'the browser reported Content-Security-Policy violations').toEqual([]);
    },
    { auto: true },
  ],
});
