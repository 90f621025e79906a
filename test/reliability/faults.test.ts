import { describe, expect, it } from "vitest";
import { FAST_KILL_POINTS, concurrentRuns, crashLeftovers, failingWrites, killCampaign, requestsDuringSwaps } from "./faults.ts";
import { held, renderDetails, type CheckLine } from "./table.ts";

const expectHeld = (lines: CheckLine[]) => {
  for (const l of lines) expect(held(l), `${l.essai}\n${renderDetails([l])}`).toBe(true);
};

describe("faults (fast part of npm run check:reliability)", () => {
  it("keeps the published warehouse and site when a nightly run is killed, and the next start succeeds", async () => {
    expectHeld(await killCampaign(FAST_KILL_POINTS));
  });

  it("refuses a second run asked at once from the schedule, the API or the CLI", async () => {
    expectHeld(await concurrentRuns());
  });

  it("cleans up what a crashed run left behind at the next start", async () => {
    expectHeld(await crashLeftovers());
  });

  it("answers every request during publications wholly from one state", async () => {
    expectHeld(await requestsDuringSwaps(2));
  });

  it("fails clearly and keeps the publication when a write fails (read-only folder, full disk)", async () => {
    const lines = await failingWrites();
    if (lines.every((l) => l.nonExecute)) return void console.warn(lines[0]!.nonExecute);
    expectHeld(lines);
  });
});
