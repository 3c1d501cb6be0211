// Opens the built API reference in headless Chromium and finds every operation of the OpenAPI
// document on it, as a reader would: listed among its tag's operations, and its own section
// rendered (after Redoc's JavaScript ran) with its summary (or operationId) as heading and its
// method and path.
//
//   node check-reference.mjs OPENAPI_JSON REFERENCE_HTML
//
// CHROMIUM names the browser (default: /usr/bin/chromium). Exits 1 on any missing operation,
// on a script error in the page, or when the page needs anything but images from the network.
import { chromium } from 'playwright-core';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [specPath, pagePath] = process.argv.slice(2);
if (!specPath || !pagePath) {
  console.error('usage: node check-reference.mjs OPENAPI_JSON REFERENCE_HTML');
  process.exit(2);
}
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const SECTION_TIMEOUT_MS = 10_000;
// The method badge of an operation link in the overview.
const LINK_TAGS = 'a[href] [data-component-name="Tag/Tag"]';

const spec = JSON.parse(readFileSync(specPath, 'utf8'));
const operations = [];
for (const [path, item] of Object.entries(spec.paths ?? {})) {
  for (const method of METHODS) {
    const op = item?.[method];
    if (!op) continue;
    operations.push({
      method: method.toUpperCase(),
      path,
      operationId: op.operationId,
      summary: op.summary,
      // Redoc heads a section with the summary, else the operationId.
      title: op.summary ?? op.operationId,
    });
  }
}
if (operations.length === 0) {
  console.error(`${specPath} has no operations: nothing to look for`);
  process.exit(1);
}

const missing = []; // operations not found
let found = 0;
const failures = []; // anything else wrong with the page
const external = [];
const pageUrl = pathToFileURL(resolve(pagePath)).href;
const profile = mkdtempSync(join(tmpdir(), 'check-reference-'));
let context;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    // Without the background-networking flags Chromium keeps dialling out, which a closed
    // network refuses; the sandbox needs user namespaces that CI machines may not have.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1400, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  // The page must work offline. Redoc's sidebar logo is the one thing it fetches (an image,
  // so nothing breaks without it); anything else from the network fails the check.
  await page.route('**/*', (route) => {
    const request = route.request();
    if (/^(file|data|blob):/.test(request.url())) return route.continue();
    if (request.resourceType() !== 'image') external.push(`${request.resourceType()} ${request.url()}`);
    return route.abort();
  });
  page.on('pageerror', (error) => failures.push(`script error in the page: ${error.message}`));

  await page.goto(pageUrl, { waitUntil: 'load' });
  // The prerendered markup is replaced when Redoc hydrates, some time after 'load': wait for
  // the overview's operation links, then until their number holds still.
  const linksAtLeast = (n) =>
    page.waitForFunction(({ selector, n }) => document.querySelectorAll(selector).length >= n, { selector: LINK_TAGS, n }, {
      timeout: SECTION_TIMEOUT_MS,
    });
  const linkCount = () => page.evaluate((selector) => document.querySelectorAll(selector).length, LINK_TAGS);
  await linksAtLeast(1);
  for (let last = -1, same = 0; same < 5; await page.waitForTimeout(100)) {
    const now = await linkCount();
    same = now === last ? same + 1 : 0;
    last = now;
  }
  // The longer lists show the rest of their operations behind "Show N more".
  const more = page.locator('[data-testid="show-more-operations"]');
  while ((await more.count()) > 0) {
    const before = await linkCount();
    await more.first().click();
    await linksAtLeast(before + 1);
  }
  const listed = await page.evaluate(() =>
    [...document.querySelectorAll('a[href]')].flatMap((a) => {
      const tag = a.querySelector('[data-component-name="Tag/Tag"]');
      if (!tag) return [];
      const method = tag.textContent.trim().toUpperCase();
      const path = tag.nextElementSibling?.textContent.trim() ?? '';
      return [{ href: a.getAttribute('href'), method, path }];
    }),
  );

  for (const op of operations) {
    const name = `${op.method} ${op.path} (${op.operationId ?? op.summary ?? 'no operationId'})`;
    const link = listed.find((l) => l.method === op.method && l.path === op.path);
    if (!link) {
      missing.push(`${name}: not listed on the page`);
      continue;
    }
    // The link is a hash route; going there renders the operation's section.
    await page.goto(pageUrl + link.href);
    const id = decodeURIComponent(link.href.replace(/^#\/?/, ''));
    const shown = await page
      .waitForFunction(
        ({ id, op }) => {
          const section = document.getElementById(id);
          if (!section || section.getAttribute('data-item-kind') !== 'httpItem') return false;
          const heading = section.querySelector('h1, h2')?.textContent.replace(/\s+/g, ' ').trim();
          if (op.title && heading !== op.title.replace(/\s+/g, ' ').trim()) return false;
          return [...section.querySelectorAll('[data-component-name="Tag/Tag"]')].some(
            (tag) =>
              tag.textContent.trim().toUpperCase() === op.method &&
              tag.nextElementSibling?.textContent.trim() === op.path,
          );
        },
        { id, op },
        { timeout: SECTION_TIMEOUT_MS },
      )
      .then(() => true, () => false);
    if (shown) {
      found += 1;
    } else {
      const seen = await page.evaluate((id) => {
        const section = document.getElementById(id);
        return section ? `heading "${section.querySelector('h1, h2')?.textContent.trim()}"` : 'no section';
      }, id);
      missing.push(`${name}: its section ${link.href} does not show "${op.title}" with ${op.method} ${op.path} (${seen})`);
    }
  }
} catch (error) {
  failures.push(`the check could not finish: ${error.message.split('\n')[0]}`);
} finally {
  await context?.close();
  rmSync(profile, { recursive: true, force: true });
}

for (const request of external) failures.push(`the page fetched from the network: ${request}`);
for (const line of [...missing, ...failures]) console.error(`  ${line}`);
const summary = `api reference: ${found} of ${operations.length} operations of ${basename(specPath)} found on ${basename(pagePath)}`;
if (missing.length > 0 || failures.length > 0) {
  console.error(failures.length > 0 ? `${summary}; ${failures.length} other problem(s)` : summary);
  process.exit(1);
}
console.log(summary);
