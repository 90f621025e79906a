import { describe, expect, it } from "vitest";
import { checkInbox } from "./inbox.ts";
import { held, renderDetails } from "./table.ts";

describe("inbox and data folder (fast part of npm run check:reliability)", () => {
  it("ignores stray names and links, waits for files being written, and keeps the data folder owner-only", async () => {
    const lines = await checkInbox({});
    expect(lines).toHaveLength(4);
    for (const l of lines) expect(held(l), `${l.essai}\n${renderDetails([l])}`).toBe(true);
  });
});
