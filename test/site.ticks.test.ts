/**
 * The trend charts' year-end ticks (reports/components/trendChart.js): every label « fin AAAA »
 * has 64 px of the frame to itself, whatever the chart's width, and the last year end is always
 * labelled. Known answers for the demo office's span, 31/01/2018 to 31/10/2026.
 */
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { projectPath } from "../src/paths.ts";

// the browser module, loaded as it is (plain JavaScript)
const { yearEndTicks } = (await import(pathToFileURL(projectPath("reports", "components", "trendChart.js")).href)) as {
  yearEndTicks(rows: { date_arrete: string }[], width: number): Date[] | undefined;
};

const months = Array.from({ length: 106 }, (_, i) => {
  const end = new Date(Date.UTC(2018, 1 + i, 0));
  return { date_arrete: end.toISOString().slice(0, 10) };
});
const years = (width: number) => yearEndTicks(months, width)!.map((d) => d.getUTCFullYear());

describe("year-end ticks", () => {
  it("labels every year on a wide chart, one in three on a phone, one in four on a small card", () => {
    expect(months.at(-1)!.date_arrete).toBe("2026-10-31");
    expect(years(1000)).toEqual([2018, 2019, 2020, 2021, 2022, 2023, 2024, 2025]);
    expect(years(340)).toEqual([2019, 2022, 2025]);
    expect(years(250)).toEqual([2021, 2025]);
  });

  it("gives each label 64 px of the frame at any width", () => {
    for (let width = 200; width <= 1400; width += 10) {
      const ticks = years(width);
      expect(ticks.at(-1), `${width} px`).toBe(2025);
      // the frame is the width less the axis (70 px) and the room right of it (30 px)
      const spacing = ((width - 100) / 8) * (ticks.length > 1 ? ticks[1]! - ticks[0]! : 8);
      expect(spacing, `${width} px`).toBeGreaterThanOrEqual(64);
    }
  });
});
