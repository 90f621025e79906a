import { describe, expect, it } from "vitest";
import { checkAccess } from "./access.ts";
import { held, renderDetails } from "./table.ts";

describe("access to the API (fast part of npm run check:reliability)", () => {
  it("gives every route, role and session state its documented status, and holds under property-based parameters", async () => {
    for (const l of await checkAccess({ runs: 60, buildSite: false })) {
      if (l.nonExecute) continue;
      expect(held(l), `${l.essai}\n${renderDetails([l])}`).toBe(true);
    }
  });
});
