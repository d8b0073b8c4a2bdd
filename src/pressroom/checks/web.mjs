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
//   fonts        at 1280 px, through the DevTools protocol: each element (and ::before, ::after,
//                ::marker) that sets text of its own, with the fonts Chromium drew that text in
//                (CSS.getPlatformFontsForNode: family, PostScript name, web font or not, glyph
//                count: "glyphs" for its whole inline content, "own" without its descendants'), its
//                computed family stack, weight, style, and the characters of its own text (after
//                text-transform) and a snippet; each element after its content
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

// The element's name as the reports give it: tag#id.class.class.
function nodeName(node) {
  const attrs = {};
  for (let i = 0; i + 1 < (node.attributes || []).length; i += 2) attrs[node.attributes[i]] = node.attributes[i + 1];
  let s = node.localName || node.nodeName.toLowerCase();
  if (attrs.id) s += "#" + attrs.id;
  for (const c of (attrs.class || "").split(/\s+/).filter(Boolean)) s += "." + c;
  return { name: s, attrs };
}

// The text of a pseudo-element's computed `content` (strings and attr(); a counter is given as
// the digits), or of a ::marker from its list-style-type; "" when it cannot be told.
function pseudoText(type, style, parent, index) {
  const content = style.content || "normal";
  let out = "";
  if (content !== "normal" && content !== "none") {
    const re = /"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|attr\(\s*([\w-]+)\s*\)|counters?\([^)]*\)/g;
    for (const m of content.matchAll(re)) {
      if (m[1] !== undefined || m[2] !== undefined) {
        out += (m[1] ?? m[2]).replace(/\\([0-9a-fA-F]{1,6})\s?/g, (_, h) => String.fromCodePoint(parseInt(h, 16)))
          .replace(/\\(.)/g, "$1");
      } else if (m[3]) out += parent.attrs[m[3]] || "";
      else out += "0123456789";
    }
    return out;
  }
  if (type !== "marker") return "";
  const lst = style["list-style-type"] || "";
  const quoted = lst.match(/^"(.*)"$/);
  if (quoted) return quoted[1].replace(/\\([0-9a-fA-F]{1,6})\s?/g, (_, h) => String.fromCodePoint(parseInt(h, 16)));
  const digits = { "decimal": "0123456789", "arabic-indic": "٠١٢٣٤٥٦٧٨٩", "persian": "۰۱۲۳۴۵۶۷۸۹",
    "cjk-decimal": "〇一二三四五六七八九" }[lst];
  if (digits) {
    const n = String(index);
    return [...n].map((d) => digits[Number(d)]).join("") + (lst === "cjk-decimal" ? "、" : ". ");
  }
  return { disc: "• ", circle: "◦ ", square: "▪ ", "disclosure-closed": "▸ ", "disclosure-open": "▾ " }[lst] || "";
}

function transformed(text, transform) {
  if (transform === "uppercase") return text.toUpperCase();
  if (transform === "lowercase") return text.toLowerCase();
  if (transform === "capitalize") return text + text.toUpperCase();
  return text;
}

// Which fonts drew the text of each element: the DevTools protocol's platform fonts for every
// element with text children of its own, and for its ::before, ::after and ::marker.
async function platformFonts(page) {
  const cdp = await page.createCDPSession();
  await cdp.send("DOM.enable");
  await cdp.send("CSS.enable");
  const { root } = await cdp.send("DOM.getDocument", { depth: -1 });
  const wanted = ["font-family", "font-weight", "font-style", "text-transform", "content", "list-style-type"];
  const styleOf = async (nodeId) => {
    const { computedStyle } = await cdp.send("CSS.getComputedStyleForNode", { nodeId });
    return Object.fromEntries(computedStyle.filter((p) => wanted.includes(p.name)).map((p) => [p.name, p.value]));
  };
  const skip = new Set(["head", "script", "style", "template", "noscript"]);
  const out = [];
  const key = (f) => `${f.family}\u0000${f.postscript}\u0000${f.custom}`;
  // An element's fonts are those of its whole inline content (its inline descendants and its
  // pseudo-elements too): what they report is taken off, so each counts its own glyphs ("own").
  const add = async (nodeId, name, text, inner = []) => {
    const { fonts } = await cdp.send("CSS.getPlatformFontsForNode", { nodeId });
    if (!fonts.length) return null; // not laid out (display: none, ...)
    const style = await styleOf(nodeId);
    const t = text === null ? null : transformed(text, style["text-transform"]);
    const taken = new Map();
    for (const e of inner) for (const f of e.fonts) taken.set(key(f), (taken.get(key(f)) || 0) + f.own);
    const entry = {
      element: name,
      fonts: fonts.map((f) => ({ family: f.familyName, postscript: f.postScriptName, custom: f.isCustomFont,
        glyphs: f.glyphCount })).map((f) => ({ ...f, own: Math.max(0, f.glyphs - (taken.get(key(f)) || 0)) }))
        .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)),
      family: style["font-family"], weight: style["font-weight"], style: style["font-style"],
      chars: t === null ? null : [...new Set(t)].sort().join(""),
      snippet: t === null ? null : t.replace(/\s+/g, " ").trim().slice(0, 80),
    };
    out.push(entry);
    return entry;
  };
  // The entries of node's subtree, in document order (an element after its content).
  const walk = async (node, index) => {
    const found = [];
    if (node.nodeType === 1) {
      const me = nodeName(node);
      if (skip.has(node.localName)) return found;
      const pseudo = Object.fromEntries((node.pseudoElements || []).map((p) => [p.pseudoType, p]));
      for (const type of ["marker", "before"]) {
        if (!pseudo[type]) continue;
        const style = await styleOf(pseudo[type].nodeId);
        const e = await add(pseudo[type].nodeId, `${me.name}::${type}`, pseudoText(type, style, me, index));
        if (e) found.push(e);
      }
      let n = 0;
      const start = node.localName === "ol" && me.attrs.start ? Number(me.attrs.start) - 1 : 0;
      for (const c of node.children || []) {
        if (c.nodeType === 1 && c.localName === "li") n++;
        found.push(...await walk(c, start + n));
      }
      if (pseudo.after) {
        const style = await styleOf(pseudo.after.nodeId);
        const e = await add(pseudo.after.nodeId, `${me.name}::after`, pseudoText("after", style, me, index));
        if (e) found.push(e);
      }
      const text = (node.children || []).filter((c) => c.nodeType === 3).map((c) => c.nodeValue).join("");
      if (text.trim()) {
        const e = await add(node.nodeId, me.name, text, found);
        if (e) found.push(e);
      }
    } else {
      for (const c of node.children || []) found.push(...await walk(c, 0));
      if (node.contentDocument) found.push(...await walk(node.contentDocument, 0));
    }
    return found;
  };
  await walk(root, 0);
  await cdp.detach();
  return out;
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
  const result = { file: base, requests: [], csp: [], console: [], page: null, widths: {}, axe: null, fonts: null };
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
    await viewport(page, DESKTOP, false);
    result.fonts = { width: DESKTOP, elements: await platformFonts(page) };
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
