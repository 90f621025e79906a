import { describe, expect, it } from "vitest";
import { checkDifferencing } from "./differencing.ts";
import { held, renderDetails } from "./table.ts";

describe("differencing (fast part of npm run check:reliability)", () => {
  it("gives roles without case access and the public site nothing that moves by a day, and keeps day-level dates for recouvrement", async () => {
    const lines = await checkDifferencing();
    expect(lines).toHaveLength(4);
    for (const l of lines) expect(held(l), `${l.essai}\n${renderDetails([l])}`).toBe(true);
  });
});
