/**
 * How the server hands out the built site (issue 14, items 5 and 6): text files compressed
 * (Brotli, else gzip; the same bytes once decompressed), small files and images as they are,
 * and the site's own 404 page for a browser's unknown URL while programs and /api/ get JSON.
 */
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { WarehouseProvider } from "../src/server/warehouseProvider.ts";
import { siteApp, smallOfficeWarehouse } from "./util/apiApp.ts";
import { tempDir } from "./util/exports.ts";

let app: ReturnType<typeof siteApp>;
let siteDir: string;
const script = `export const values = [${Array.from({ length: 2000 }, (_, i) => i).join(", ")}];\n`;

beforeAll(async () => {
  siteDir = tempDir("oph-site-");
  fs.mkdirSync(path.join(siteDir, "_npm"), { recursive: true });
  fs.writeFileSync(path.join(siteDir, "index.html"), `<!doctype html><title>Vue d'ensemble</title>${"<p>Taux d'impayés</p>".repeat(200)}`);
  fs.writeFileSync(path.join(siteDir, "404.html"), `<!doctype html><title>Page introuvable</title><h1>Page introuvable</h1>`);
  fs.writeFileSync(path.join(siteDir, "_npm", "plot.js"), script);
  fs.writeFileSync(path.join(siteDir, "logo.png"), Buffer.alloc(4096, 7));
  fs.writeFileSync(path.join(siteDir, "figure.svg"), `<svg xmlns="http://www.w3.org/2000/svg"><text>3,47 %</text></svg>`);
  app = siteApp(new WarehouseProvider(await smallOfficeWarehouse()), siteDir);
}, 120_000);

describe("compression of the site's files", () => {
  it("answers Brotli to a browser that takes it, gzip to one that takes only gzip, and the same bytes once decoded", async () => {
    const br = await app.request("/_npm/plot.js", { headers: { "Accept-Encoding": "gzip, deflate, br" } });
    expect(br.status).toBe(200);
    expect(br.headers.get("content-encoding")).toBe("br");
    expect(br.headers.get("vary")).toBe("Accept-Encoding");
    const brBytes = Buffer.from(await br.arrayBuffer());
    expect(brBytes.length).toBeLessThan(script.length / 3);
    expect(zlib.brotliDecompressSync(brBytes).toString("utf8")).toBe(script);

    const gz = await app.request("/_npm/plot.js", { headers: { "Accept-Encoding": "gzip" } });
    expect(gz.headers.get("content-encoding")).toBe("gzip");
    expect(zlib.gunzipSync(Buffer.from(await gz.arrayBuffer())).toString("utf8")).toBe(script);
  });

  it("sends a file as it is to a client that takes no encoding or refuses Brotli with q=0", async () => {
    const plain = await app.request("/_npm/plot.js");
    expect(plain.headers.get("content-encoding")).toBeNull();
    expect(await plain.text()).toBe(script);
    const refused = await app.request("/_npm/plot.js", { headers: { "Accept-Encoding": "br;q=0, gzip" } });
    expect(refused.headers.get("content-encoding")).toBe("gzip");
  });

  it("compresses pages and keeps their security policy, but not images", async () => {
    const page = await app.request("/", { headers: { "Accept-Encoding": "br" } });
    expect(page.headers.get("content-encoding")).toBe("br");
    expect(page.headers.get("content-security-policy")).toContain("script-src");
    const png = await app.request("/logo.png", { headers: { "Accept-Encoding": "br" } });
    expect(png.headers.get("content-encoding")).toBeNull();
    expect(Buffer.from(await png.arrayBuffer()).length).toBe(4096);
  });

  it("sends a document's headers with pages and SVG files, not with scripts and images, which keep nosniff", async () => {
    const documentOnly = ["content-security-policy", "x-frame-options", "cross-origin-opener-policy", "x-xss-protection"];
    for (const file of ["/", "/figure.svg"]) {
      const res = await app.request(file);
      for (const header of documentOnly) expect(res.headers.get(header), `${file} ${header}`).not.toBeNull();
    }
    for (const file of ["/_npm/plot.js", "/logo.png"]) {
      const res = await app.request(file);
      expect(res.status).toBe(200);
      for (const header of documentOnly) expect(res.headers.get(header), `${file} ${header}`).toBeNull();
      expect(res.headers.get("x-content-type-options"), file).toBe("nosniff");
      expect(res.headers.get("cross-origin-resource-policy"), file).toBe("same-origin");
    }
  });

  it("serves a new version of a file after a rebuild, not the compressed old one", async () => {
    const file = path.join(siteDir, "_npm", "plot.js");
    const newer = script.replace("values", "valeurs");
    fs.writeFileSync(file, newer);
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const res = await app.request("/_npm/plot.js", { headers: { "Accept-Encoding": "br" } });
    expect(zlib.brotliDecompressSync(Buffer.from(await res.arrayBuffer())).toString("utf8")).toBe(newer);
  });
});

describe("unknown URLs", () => {
  it("gives a browser the site's own 404 page, in French, with status 404", async () => {
    const res = await app.request("/secteurs/inconnu", { headers: { Accept: "text/html,application/xhtml+xml" } });
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await res.text()).toContain("<h1>Page introuvable</h1>");
  });

  it("gives a program JSON, and /api/ JSON whatever it accepts", async () => {
    const program = await app.request("/secteurs/inconnu");
    expect(program.status).toBe(404);
    expect(await program.json()).toEqual({ erreur: "Page introuvable." });
    const api = await app.request("/api/inconnu", { headers: { Accept: "text/html" } });
    expect(api.status).toBe(404);
    expect((await api.json()).erreur).toContain("Route inconnue");
  });
});

describe("the sign-in page", () => {
  it("wears the site's look: its name linking home, the site's font stack, a skip link, labelled fields", async () => {
    const html = await (await app.request("/connexion")).text();
    const siteFont = /--sans-serif:\s*([^;]+);/.exec(
      fs.readFileSync(path.join(import.meta.dirname, "..", "reports", "style.css"), "utf8"),
    )![1]!;
    expect(html).toContain(`--sans:${siteFont};`);
    expect(html).toContain(`<header><a href="/">Observatoire des impayés</a></header>`);
    expect(html).toContain(`<a class="lien-evitement" href="#contenu">`);
    expect(html).toMatch(/<label for="identifiant">Identifiant<\/label><input id="identifiant"/);
    expect(html).toMatch(/<label for="mot_de_passe">Mot de passe<\/label><input id="mot_de_passe"/);
  });
});
