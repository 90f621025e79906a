/**
 * One line of the reliability summary: what was tried, how many times, how many held.
 * Every check of test/reliability returns these; `npm run check:reliability` prints them
 * as one table, and the vitest files under test/reliability assert that each held.
 */
export interface CheckLine {
  /** Family: Pannes, Entrées invalides, CSV, Accès, Charge, Endurance. */
  famille: string;
  /** What was tried, in French, for a person. */
  essai: string;
  /** How many times it was tried. */
  fois: number;
  /** How many of those held. */
  tenus: number;
  /** Failures or measurements worth reading (first few only). */
  details?: string[];
  /** Not run here (e.g. no `unshare`), with the reason. */
  nonExecute?: string;
}

export const held = (l: CheckLine) => !l.nonExecute && l.fois > 0 && l.tenus === l.fois;

export function line(famille: string, essai: string, outcomes: Array<string | null>, extra: string[] = []): CheckLine {
  const failures = outcomes.filter((o): o is string => o !== null);
  return { famille, essai, fois: outcomes.length, tenus: outcomes.length - failures.length, details: [...failures.slice(0, 8), ...extra] };
}

export function renderSummary(lines: CheckLine[]): string {
  const rows = lines.map((l) => [
    l.famille,
    l.essai,
    l.nonExecute ? "—" : String(l.fois),
    l.nonExecute ? "—" : String(l.tenus),
    l.nonExecute ? `non exécuté : ${l.nonExecute}` : held(l) ? "tenu" : "ÉCHEC",
  ]);
  const header = ["Famille", "Essai", "Fois", "Tenus", "Résultat"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) =>
    "| " + r.map((c, i) => (i === 2 || i === 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(" | ") + " |";
  const sep = "|" + widths.map((w, i) => (i === 2 || i === 3 ? "-".repeat(w + 1) + ":" : "-".repeat(w + 2))).join("|") + "|";
  const total = lines.filter((l) => !l.nonExecute);
  const sum = (k: "fois" | "tenus") => total.reduce((s, l) => s + l[k], 0);
  return [
    fmt(header),
    sep,
    ...rows.map(fmt),
    "",
    `${total.filter(held).length}/${total.length} essais tenus (${sum("tenus")}/${sum("fois")} cas)` +
      (lines.length > total.length ? `, ${lines.length - total.length} non exécuté(s)` : ""),
  ].join("\n");
}

export function renderDetails(lines: CheckLine[]): string {
  return lines
    .filter((l) => l.details?.length)
    .map((l) => `- ${l.famille} / ${l.essai} :\n${l.details!.map((d) => `    ${d}`).join("\n")}`)
    .join("\n");
}
