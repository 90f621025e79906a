/**
 * The checks a change must pass besides the tests: the type check (`tsc --noEmit`, strict) and
 * the formatter (`prettier --check`, configured in .prettierrc.json; .prettierignore says what it
 * does not own). Each runs as a test so that `npm test` and CI count it.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { projectPath } from "../src/paths.ts";

const bin = (name: string) => projectPath("node_modules", ".bin", name);
/** The files the formatter owns: the TypeScript and JavaScript of the product, tests, tools and site components. */
export const FORMATTED = ["src/**/*.ts", "test/**/*.ts", "reports/components/**/*.{js,ts}", "reports/data/**/*.ts", "*.ts"];

describe("checks", () => {
  it("type-checks (tsc --noEmit)", () => {
    const r = spawnSync(bin("tsc"), ["--noEmit", "-p", projectPath()], { encoding: "utf8", cwd: projectPath() });
    expect(r.stdout + r.stderr, "tsc --noEmit").toBe("");
    expect(r.status).toBe(0);
  }, 180_000);

  it("is formatted (prettier --check; npm run format fixes it)", () => {
    const r = spawnSync(bin("prettier"), ["--list-different", "."], { encoding: "utf8", cwd: projectPath() });
    expect(r.stdout.trim().split("\n").filter(Boolean), "fichiers à formater (npm run format)").toEqual([]);
    expect(r.status).toBe(0);
  }, 120_000);
});
