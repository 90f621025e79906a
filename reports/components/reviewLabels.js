// The French label of every code the monthly review shows, from ONE list: the data loader
// libelles-revue.json, which reads the seeds etl/seeds/ref_codes.csv and
// etl/seeds/review_labels.csv (the SQL and the API read the same seeds). No page keeps a copy.

/**
 * Labels(data): data = {champs: {champ: [{code, libelle}]}, responsables: [role]} (libelles-revue.json).
 * of(champ, code): the label; a code the seeds lack shows as itself (so the gap is seen and
 * fixed in the seed, never hidden). codes(champ): the codes in the seed's order.
 * owners(): the roles that own a case (etl/seeds/roles.csv), in the seed's order.
 */
export function Labels(data) {
  const maps = new Map(
    Object.entries(data?.champs ?? {}).map(([champ, entries]) => [champ, new Map(entries.map((e) => [String(e.code), e.libelle]))])
  );
  return {
    of(champ, code) {
      if (code === null || code === undefined || code === "") return "—";
      return maps.get(champ)?.get(String(code)) ?? String(code);
    },
    codes(champ) {
      return [...(maps.get(champ)?.keys() ?? [])];
    },
    has(champ, code) {
      return maps.get(champ)?.has(String(code)) ?? false;
    },
    owners() {
      return [...(data?.responsables ?? [])];
    }
  };
}
