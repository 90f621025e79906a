import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { UserStore } from "../src/api/users.ts";
import { RunLockedError } from "../src/errors.ts";
import { createProductApp } from "../src/server/productApp.ts";
import { RunController } from "../src/server/runController.ts";
import { WarehouseProvider } from "../src/server/warehouseProvider.ts";
import { queryRows } from "../src/duckdb/db.ts";
import { openWarehouse } from "../src/warehouse/warehouse.ts";
import { PASSWORD, signIn } from "./util/apiApp.ts";
import { tempDir, writeExportFile, writeRaw, writeSmallOffice } from "./util/exports.ts";

/** A site "build" that writes the warehouse's 2024 billing into index.html, after a pause. */
async function fakeBuild(warehouse: string, output: string, pauseMs = 0) {
  const wh = await openWarehouse(warehouse);
  const [r] = await queryRows<{ q: number }>(
    wh.conn,
    "select cast(sum(quittancement) as double) as q from figures_per_year_and_sector where annee = 2024 and code_secteur is null",
  );
  wh.close();
  await new Promise((res) => setTimeout(res, pauseMs));
  fs.mkdirSync(output, { recursive: true });
  fs.writeFileSync(path.join(output, "index.html"), `<p>${r!.q}</p>`);
}

function setup(pauseMs = 0) {
  const dir = tempDir();
  const exportsDir = path.join(dir, "exports");
  writeSmallOffice(exportsDir);
  const db = path.join(dir, "w.duckdb");
  const warehouse = new WarehouseProvider(db);
  const runs = new RunController({
    exportsDir,
    dbPath: db,
    sitesDir: path.join(dir, "site"),
    warehouse,
    buildSite: (wh, out) => fakeBuild(wh, out, pauseMs),
    log: () => undefined,
  });
  fs.mkdirSync(path.join(dir, "site"));
  const app = createProductApp({ warehouse, runs, users: UserStore.onePerRole(PASSWORD), log: () => undefined });
  return { dir, exportsDir, db, warehouse, runs, app };
}

describe("RunController", () => {
  it("runs the ETL, builds the site from the new warehouse and serves both", async () => {
    const { runs, app } = setup();
    await runs.runNow("cli");
    expect(await (await app.request("/")).text()).toBe("<p>60000</p>");
    expect(runs.status().derniers[0]!.statut).toBe("succès");
  });

  it("refuses a manual run while the scheduled one is running", async () => {
    const { runs, app } = setup(500);
    await runs.start("planification");
    await expect(runs.start("api")).rejects.toBeInstanceOf(RunLockedError);
    const cookie = await signIn(app, "admin");
    const res = await app.request("/api/runs", { method: "POST", headers: { "Content-Type": "application/json", Cookie: cookie } });
    expect(res.status).toBe(409);
    expect((await res.json()).erreur).toMatch(/lancé par planification/);
    await runs.inProgress;
    await runs.runNow("api");
  });

  it("refuses a run while another process holds the lock", async () => {
    const { runs, db } = setup();
    const holder = spawn(process.execPath, ["-e", "setTimeout(() => {}, 20000)"]);
    fs.writeFileSync(`${db}.lock`, JSON.stringify({ pid: holder.pid, depuis: "maintenant" }));
    try {
      await expect(runs.start("planification")).rejects.toThrow(/Un chargement est déjà en cours \(processus \d+/);
    } finally {
      holder.kill();
    }
  });

  it("keeps serving the previous warehouse and site when a run fails, and /health says so", async () => {
    const { runs, app, exportsDir } = setup();
    await runs.runNow("cli");
    writeRaw(exportsDir, "baux_20250301.csv", "num_contrat\r\nX\r\n");
    await runs.runNow("planification");
    expect(await (await app.request("/")).text()).toBe("<p>60000</p>");
    // The public answer says it failed and when; the file, line and column are for signed-in users.
    const health = await (await app.request("/health")).json();
    expect(health.statut).toBe("dégradé");
    expect(health.dernier_echec).toEqual({ fin: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) });
    const cookie = await signIn(app, "direction");
    const detailed = await (await app.request("/health", { headers: { Cookie: cookie } })).json();
    expect(detailed.dernier_echec.message).toMatch(/baux_20250301\.csv, ligne 1, colonne num_logement/);
  });

  it("answers every request during a run and its swap, each wholly from the old or the new warehouse", async () => {
    const { runs, app, exportsDir } = setup(300);
    await runs.runNow("cli");
    const cookie = await signIn(app, "direction");
    // The new exports bill 1 000 € more in 2024.
    writeExportFile(exportsDir, "ecritures_20250110.csv", [
      ["N1", "B0002", "15/06/2024", "06/2024", "SLS", "Supplément de loyer de solidarité", "1 000,00", "", ""],
    ]);
    const run = runs.runNow("planification");
    const seen = new Map<string, number>();
    let done = false;
    void run.finally(() => (done = true));
    const deadline = Date.now() + 60_000;
    while ((!done || seen.size < 2) && Date.now() < deadline) {
      const [api, site] = await Promise.all([app.request("/api/figures?annee=2024", { headers: { Cookie: cookie } }), app.request("/")]);
      expect(api.status).toBe(200);
      expect(site.status).toBe(200);
      const q = (await api.json()).quittancement as number;
      const key = `${q}|${await site.text()}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
      if (done) break;
    }
    await run;
    const after = await app.request("/api/figures?annee=2024", { headers: { Cookie: cookie } });
    expect((await after.json()).quittancement).toBe(61000);
    for (const key of seen.keys()) {
      const [q] = key.split("|");
      expect(["60000", "61000"]).toContain(q);
    }
    expect([...seen.keys()][0]).toBe("60000|<p>60000</p>");
  });
});
