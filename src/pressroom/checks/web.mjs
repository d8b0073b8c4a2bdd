// The web edition in a real browser: one launch of the system's Chromium (puppeteer-core, pinned
// in .ci/web/package.json), for the checks of src/pressroom/checks/html.py and for `make proof`.
//
//   node web.mjs --modules DIR --chromium PATH [--axe] [--shot WIDTH=PNG]... FILE.html
//
// DIR is the node_modules folder of the pinned tools. Prints one JSON object on stdout:
//   requests     every request the page made that is not the file itself nor a data: URL
//                (each is aborted: the check never touches the network)
//   csp          the securitypolicyviolation events (directive, blocked URI)
//   console      console errors and uncaught exceptions
//   page         what the document declares: its CSP meta, scripts other than JSON-LD, viewport
//   widths       per viewport width (375, 320: a phone, mobile emulation): layout width,
//                scrollWidth, clientWidth and the outermost elements that stick out
//   axe          with --axe: axe-core's violations at 1280 px, light and dark colour scheme
// Nothing depends on timing: each step waits for the load event, the fonts and two frames.
// File paths are reported as the file's name only, so the result is the same in any folder.

import { createRequire } from "node:module";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];
const PHONES = [375, 320];
const DESKTOP = 1280;
const TIMEOUT = 180000;

function parseArgs(argv) {
  const out = { shots: [], axe: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--modules") out.modules = argv[++i];
    else if (a === "--chromium") out.chromium = argv[++i];
    else if (a === "--axe") out.axe = true;
    else if (a === "--shot") {
      const [w, ...rest] = argv[++i].split("=");
      out.shots.push({ width: Number(w), file: rest.join("=") });
    } else if (a.startsWith("--")) throw new Error(`unknown option ${a}`);
    else out.file = a;
  }
  if (!out.modules || !out.chromium || !out.file) {
    throw new Error("usage: web.mjs --modules DIR --chromium PATH [--axe] [--shot WIDTH=PNG]... FILE.html");
  }
  return out;
}

// Two frames after the fonts are ready: layout and paint have happened for what was set.
async function settle(page) {
  await page.evaluate(async () => {
    await document.fonts.ready;
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  });
}

async function viewport(page, width, mobile) {
  await page.setViewport({ width, height: mobile ? 740 : 900, deviceScaleFactor: 1, isMobile: mobile, hasTouch: mobile });
  await settle(page);
}

// The layout at this width: the layout viewport (the client width: the device's width when the
// page asks for width=device-width), the document's scroll width, and the outermost elements
// whose box reaches past the client width (not those inside a scroller: they scroll there).
function measure() {
  const root = document.documentElement;
  const limit = root.clientWidth;
  const name = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += "#" + el.id;
    for (const c of el.classList) s += "." + c;
    return s;
  };
  const scrolls = (el) => {
    const o = getComputedStyle(el).overflowX;
    return o === "auto" || o === "scroll" || o === "hidden" || o === "clip";
  };
  const wide = [];
  // true when something under el sticks out; a box that does is listed, not its descendants,
  // and a block whose own text runs out of it (a long line in a <pre>) is listed too.
  const walk = (el) => {
    let found = false;
    for (const child of el.children) {
      const r = child.getBoundingClientRect();
      const right = r.right + window.scrollX;
      if (r.width > 0 && right - limit > 0.5) {
        wide.push({ element: name(child), right: Math.round(right) });
        found = true;
        continue;
      }
      if (scrolls(child)) continue;
      if (walk(child)) {
        found = true;
      } else if (child.clientWidth > 0 && child.scrollWidth > child.clientWidth) {
        const inner = r.left + window.scrollX + child.clientLeft + child.scrollWidth;
        if (inner - limit > 0.5) {
          wide.push({ element: name(child), right: Math.round(inner) });
          found = true;
        }
      }
    }
    return found;
  };
  if (document.body) walk(document.body);
  return { client_width: limit, scroll_width: root.scrollWidth, wide: wide.slice(0, 10) };
}

function declared() {
  const csp = [...document.querySelectorAll('meta[http-equiv]')]
    .filter((m) => m.httpEquiv.toLowerCase() === "content-security-policy")
    .map((m) => m.content);
  const scripts = [...document.querySelectorAll("script")]
    .map((s) => (s.type || "").trim().toLowerCase())
    .filter((t) => t !== "application/ld+json");
  const handlers = [];
  for (const el of document.querySelectorAll("*")) {
    for (const a of el.attributes) {
      if (a.name.startsWith("on")) handlers.push(`${el.tagName.toLowerCase()} ${a.name}`);
      if (/^\s*javascript:/i.test(a.value)) handlers.push(`${el.tagName.toLowerCase()} ${a.name}=javascript:`);
    }
  }
  const vp = document.querySelector('meta[name="viewport"]');
  return { csp, scripts, handlers: handlers.slice(0, 10), viewport: vp ? vp.content : null, lang: document.documentElement.lang };
}

async function runAxe(page, scheme) {
  await page.emulateMediaFeatures([{ name: "prefers-color-scheme", value: scheme }]);
  await settle(page);
  const raw = await page.evaluate(async (tags) => {
    const r = await window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
    return {
      violations: r.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map((n) => ({ target: n.target.map(String), summary: n.failureSummary || "" })),
      })),
      incomplete: r.incomplete.map((v) => ({ id: v.id, nodes: v.nodes.length })),
    };
  }, TAGS);
  return raw;
}

function unique(items) {
  const seen = new Set();
  return items.filter((x) => {
    const k = JSON.stringify(x);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const require = createRequire(path.join(path.resolve(args.modules), "noop.js"));
  const puppeteer = require("puppeteer-core");
  const file = path.resolve(args.file);
  const url = pathToFileURL(file).href;
  const base = path.basename(file);
  const clean = (s) => String(s).split(url).join(base).split(file).join(base);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "pressroom-chromium-"));
  const browser = await puppeteer.launch({
    executablePath: args.chromium,
    headless: true,
    pipe: true,
    userDataDir: profile,
    protocolTimeout: TIMEOUT,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--disable-extensions", "--host-resolver-rules=MAP * ~NOTFOUND", "--font-render-hinting=none"],
  });
  const result = { file: base, requests: [], csp: [], console: [], page: null, widths: {}, axe: null };
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(TIMEOUT);
    page.setDefaultNavigationTimeout(TIMEOUT);
    await page.setRequestInterception(true);
    page.on("request", (req) => {
      const u = req.url();
      if (u === url || u.startsWith("data:")) {
        req.continue();
        return;
      }
      result.requests.push({ url: clean(u), type: req.resourceType() });
      req.abort("blockedbyclient");
    });
    page.on("console", (msg) => {
      // A request aborted here is reported as a request, not again as its console line.
      if (msg.type() === "error" && !msg.text().includes("net::ERR_BLOCKED_BY_CLIENT")) {
        result.console.push({ type: "console", text: clean(msg.text()) });
      }
    });
    page.on("pageerror", (err) => result.console.push({ type: "exception", text: clean(err.message || err) }));
    await page.exposeFunction("__pressroomCsp", (v) => result.csp.push(v));
    await page.evaluateOnNewDocument(() => {
      document.addEventListener("securitypolicyviolation", (e) => {
        window.__pressroomCsp({ directive: e.effectiveDirective || e.violatedDirective, blocked: e.blockedURI,
          line: e.lineNumber, column: e.columnNumber, sample: e.sample || "" });
      });
    });
    await viewport(page, PHONES[0], true);
    await page.goto(url, { waitUntil: "load" });
    await settle(page);
    result.page = await page.evaluate(declared);
    for (const width of PHONES) {
      await viewport(page, width, true);
      result.widths[width] = await page.evaluate(measure);
    }
    for (const width of [...PHONES, DESKTOP]) {
      for (const shot of args.shots.filter((s) => s.width === width)) {
        await viewport(page, width, width !== DESKTOP);
        await page.screenshot({ path: shot.file, fullPage: true, captureBeyondViewport: true });
      }
    }
    for (const shot of args.shots.filter((s) => ![...PHONES, DESKTOP].includes(s.width))) {
      await viewport(page, shot.width, shot.width < 800);
      await page.screenshot({ path: shot.file, fullPage: true, captureBeyondViewport: true });
    }
    if (args.axe) {
      await viewport(page, DESKTOP, false);
      // DevTools evaluation is not subject to the page's Content-Security-Policy.
      const source = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
      await page.evaluate(source);
      result.axe = { version: await page.evaluate(() => window.axe.version), tags: TAGS,
        light: await runAxe(page, "light"), dark: await runAxe(page, "dark") };
    }
    for (const c of result.csp) c.blocked = clean(c.blocked);
    // A change between phone and desktop emulation reloads the page: each load is recorded, and
    // what two loads did alike is listed once.
    for (const key of ["requests", "csp", "console"]) result[key] = unique(result[key]);
  } finally {
    await browser.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  process.stdout.write(JSON.stringify(result) + "\n");
}

main().catch((err) => {
  process.stdout.write(JSON.stringify({ error: String(err && err.message ? err.message : err) }) + "\n");
  process.exit(2);
});
