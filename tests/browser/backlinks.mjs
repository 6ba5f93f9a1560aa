// Real-browser test of the example book (issue 7): in headless Chromium, click
// from a status quo story to its shiny future through the generated link, and
// back through the generated back-link; check that each landing page scrolled
// to the target heading and that the generated tables are <table>s. Then run
// the same walk on a copy whose back-link was removed and require it to fail,
// so this test cannot pass without the preprocessor's back-links.
//
// Usage: node tests/browser/backlinks.mjs [BOOK_HTML_DIR]   (default example-book/book)
// Needs Chromium (CHROMIUM=/path, default /usr/bin/chromium) and `npm ci` here.

import { chromium } from "playwright-core";
import http from "node:http";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");
const bookDir = path.resolve(process.argv[2] ?? path.join(repo, "example-book/book"));
const shotDir = path.join(repo, "target/browser");
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";

const STORY = "vision/status_quo.html";
const STORY_ID = "alan-has-trouble-getting-started";
const FUTURE = "vision/shiny_future.html";
const FUTURE_ID = "alan-has-a-blast-standing-up-a-web-server";

const types = { ".html": "text/html", ".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml", ".png": "image/png", ".woff2": "font/woff2", ".json": "application/json" };

/** A static server for `root` on a free loopback port. */
function serve(root) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://localhost");
    let file = path.join(root, decodeURIComponent(url.pathname));
    if (!file.startsWith(root)) { res.writeHead(403).end(); return; }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
    fs.readFile(file, (err, data) => {
      if (err) { res.writeHead(404).end("not found"); return; }
      res.writeHead(200, { "content-type": types[path.extname(file)] ?? "application/octet-stream" }).end(data);
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

function check(cond, message) {
  if (!cond) throw new Error(message);
}

/** Where the page landed: path, hash, and whether the hash's element is scrolled to the top. */
async function landing(page) {
  await page.waitForLoadState("load");
  await page.waitForTimeout(300);
  return page.evaluate(() => {
    const id = decodeURIComponent(location.hash.slice(1));
    const el = id ? document.getElementById(id) : null;
    const top = el ? el.getBoundingClientRect().top : null;
    return { path: location.pathname, hash: location.hash, found: !!el, top, tag: el?.tagName };
  });
}

/** The walk: story → future → back to the story, through the generated table links. */
async function walk(browser, base, screenshots) {
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  try {
    await page.goto(`${base}/${STORY}#${STORY_ID}`);
    const tables = await page.locator("main table").count();
    check(tables >= 9, `expected the generated tables on ${STORY}, found ${tables} <table> elements`);
    const row = page.locator(`main h2#${STORY_ID} ~ div.table-wrapper table, main h2#${STORY_ID} ~ table`).first();
    check(await row.locator("th", { hasText: "Shiny Future" }).count() === 1, "the story's table has no Shiny Future column");
    if (screenshots) {
      fs.mkdirSync(shotDir, { recursive: true });
      await page.screenshot({ path: path.join(shotDir, "status_quo.png") });
    }
    await row.locator(`a[href$="#${FUTURE_ID}"]`).click();
    const there = await landing(page);
    check(there.path.endsWith(`/${FUTURE}`), `forward link landed on ${there.path}`);
    check(there.hash === `#${FUTURE_ID}` && there.found, `forward link landed on ${there.hash}, found=${there.found}`);
    check(there.top !== null && there.top > -5 && there.top < 150, `target heading not scrolled to (top=${there.top})`);

    const futureTable = page.locator(`main h2#${FUTURE_ID} ~ div.table-wrapper table, main h2#${FUTURE_ID} ~ table`).first();
    check(await futureTable.locator("th", { hasText: "Status quo" }).count() === 1, "the future's table has no Status quo column");
    if (screenshots) await page.screenshot({ path: path.join(shotDir, "shiny_future.png") });
    const back = futureTable.locator(`a[href$="#${STORY_ID}"]`);
    check(await back.count() === 1, "the shiny future has no back-link to its status quo story");
    await back.click();
    const home = await landing(page);
    check(home.path.endsWith(`/${STORY}`), `back-link landed on ${home.path}`);
    check(home.hash === `#${STORY_ID}` && home.found, `back-link landed on ${home.hash}, found=${home.found}`);
    check(home.top !== null && home.top > -5 && home.top < 150, `story heading not scrolled to (top=${home.top})`);
    return { there, home, tables };
  } finally {
    await page.close();
  }
}

/** A copy of the book whose shiny future page lost its generated back-link. */
function brokenCopy() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vision-broken-"));
  fs.cpSync(bookDir, dir, { recursive: true });
  const file = path.join(dir, FUTURE);
  const html = fs.readFileSync(file, "utf8");
  const link = new RegExp(`<a href="status_quo\\.html#${STORY_ID}">([^<]*)</a>`, "g");
  check(link.test(html), "the built shiny future page has no back-link to remove");
  fs.writeFileSync(file, html.replace(link, "$1"));
  return dir;
}

const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
const servers = [];
try {
  check(fs.existsSync(path.join(bookDir, STORY)), `${bookDir} has no ${STORY}: build the example book first`);
  const good = await serve(bookDir);
  servers.push(good);
  const result = await walk(browser, `http://127.0.0.1:${good.address().port}`, true);
  console.log(`ok: ${STORY}#${STORY_ID} → ${result.there.path}${result.there.hash} (top ${Math.round(result.there.top)}px) → back to ${result.home.path}${result.home.hash} (top ${Math.round(result.home.top)}px); ${result.tables} tables; screenshots in target/browser/`);

  const bad = await serve(brokenCopy());
  servers.push(bad);
  let failed = null;
  try {
    await walk(browser, `http://127.0.0.1:${bad.address().port}`, false);
  } catch (e) {
    failed = e.message;
  }
  check(failed !== null, "the walk passed on a copy without the back-link: this test cannot catch a missing back-link");
  console.log(`ok: without the back-link the walk fails as it must (${failed})`);
} finally {
  await browser.close();
  for (const s of servers) s.close();
}
