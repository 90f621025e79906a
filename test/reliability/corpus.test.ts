import { describe, expect, it } from "vitest";
import { checkCorpus, generateCorpus } from "./corpus.ts";
import { held, renderDetails } from "./table.ts";

describe("corpus of broken export files (fast part of npm run check:reliability)", () => {
  it("generates at least 200 broken files, the same bytes every time", () => {
    const a = generateCorpus();
    const b = generateCorpus();
    expect(a.length).toBeGreaterThanOrEqual(200);
    expect(a.map((f) => f.name)).toEqual(b.map((f) => f.name));
    expect(a.every((f, i) => f.bytes.equals(b[i]!.bytes))).toBe(true);
    expect(new Set(a.map((f) => f.name)).size).toBe(a.length);
  });

  it("gives each file its documented outcome, crashes on none, balances rows and changes no figure on a refusal", async () => {
    for (const l of await checkCorpus({ full: false })) expect(held(l), `${l.essai}\n${renderDetails([l])}`).toBe(true);
  });
});
