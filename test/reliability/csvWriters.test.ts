import { describe, expect, it } from "vitest";
import { checkCsvWriters } from "./csvWriters.ts";
import { held, renderDetails } from "./table.ts";

describe("CSV written by the product (CLI, site download, API)", () => {
  it("neutralises every text cell a spreadsheet would run as a formula, including hostile values from the exports", async () => {
    for (const l of await checkCsvWriters()) expect(held(l), `${l.essai}\n${renderDetails([l])}`).toBe(true);
  });
});
