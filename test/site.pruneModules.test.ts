/**
 * The d3 index keeps only the modules some file imports a name from (src/site/pruneModules.ts),
 * on a built site in miniature: a page preloads every module, Plot imports two names.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { pruneD3Index } from "../src/site/pruneModules.ts";
import { tempDir } from "./util/exports.ts";

function miniSite(plotImport: string): string {
  const out = tempDir("oph-prune-");
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(out, rel)), { recursive: true });
    fs.writeFileSync(path.join(out, rel), text);
  };
  write("_node/d3-array@3.2.5/index.a1.js", `function t(){}function e(){}export{t as max,e as min};`);
  write(
    "_node/d3-scale@4.0.3/index.b2.js",
    `import{max as m}from"../d3-array@3.2.5/index.a1.js";function s(){return m}export{s as scaleLinear};`,
  );
  write("_node/d3-geo@3.1.2/index.c3.js", `function g(){}export{g as geoPath};`);
  write("_node/d3-force@3.0.1/index.d4.js", `import"../d3-timer@3.0.2/index.e5.js";function f(){}export{f as forceSimulation};`);
  write("_node/d3-timer@3.0.2/index.e5.js", `function r(){}export{r as timer};`);
  write(
    "_node/d3@7.9.2/index.f6.js",
    `export*from"../d3-array@3.2.5/index.a1.js";export*from"../d3-force@3.0.1/index.d4.js";export*from"../d3-geo@3.1.2/index.c3.js";export*from"../d3-scale@4.0.3/index.b2.js";export*from"../d3-timer@3.0.2/index.e5.js";var r="7.9.2";export{r as version};`,
  );
  write("_node/@observablehq/plot@0.6.17/index.g7.js", `${plotImport}from"../../d3@7.9.2/index.f6.js";`);
  const preloads = [
    "d3-array@3.2.5/index.a1.js",
    "d3-scale@4.0.3/index.b2.js",
    "d3-geo@3.1.2/index.c3.js",
    "d3-force@3.0.1/index.d4.js",
    "d3-timer@3.0.2/index.e5.js",
  ]
    .map((m) => `<link rel="modulepreload" href="./_node/${m}">`)
    .join("\n");
  write("index.html", `<!doctype html><head>\n${preloads}\n</head>`);
  return out;
}

describe("pruneD3Index", () => {
  it("keeps the modules whose names are imported (and what they import), drops and stops preloading the others", () => {
    const out = miniSite(`import{scaleLinear as a,min as b}`);
    expect(pruneD3Index(out)).toEqual({ dropped: ["d3-force@3.0.1", "d3-geo@3.1.2", "d3-timer@3.0.2"] });
    const index = fs.readFileSync(path.join(out, "_node/d3@7.9.2/index.f6.js"), "utf8");
    expect(index).toBe(
      `export*from"../d3-array@3.2.5/index.a1.js";export*from"../d3-scale@4.0.3/index.b2.js";var r="7.9.2";export{r as version};`,
    );
    const html = fs.readFileSync(path.join(out, "index.html"), "utf8");
    expect(html).toContain("d3-array@3.2.5");
    expect(html).toContain("d3-scale@4.0.3");
    expect(html).not.toContain("d3-geo");
    expect(html).not.toContain("d3-force");
    expect(html).not.toContain("d3-timer");
  });

  it("prunes nothing when a file imports the whole index", () => {
    const out = miniSite(`import*as d3`);
    expect(pruneD3Index(out)).toEqual({ dropped: [], skipped: "_node/@observablehq/plot@0.6.17/index.g7.js importe tout d3" });
    expect(fs.readFileSync(path.join(out, "_node/d3@7.9.2/index.f6.js"), "utf8")).toContain("d3-geo");
  });

  it("fails the build when a name imported from d3 is exported by no module", () => {
    expect(() => pruneD3Index(miniSite(`import{scaleLog as a}`))).toThrow("scaleLog imported from d3 but exported by no kept module");
  });
});
