/**
 * A fixture office for the site: the small office of exports.ts plus what every page
 * needs to show something: a second year (2023), staff of three roles, actions of
 * every kind the pages count (plans, FSL, litigation steps, a collection-agency
 * handover), a departed tenant with a write-off and a payment after move-out, and one
 * quarantined row (a bad date) in a file big enough to stay under the 1 % refusal share.
 */
import path from "node:path";
import { etl, tempDir, writeExportFile, writeSmallOffice } from "./exports.ts";

export function writeSiteOffice(dir: string): void {
  writeSmallOffice(dir, 10);

  writeExportFile(dir, "agents_20240601.csv", [
    ["AG03", "CONTENTIEUX", ""],
    ["AG04", "CESF", "S"],
  ]);

  // B0011 (sector S) entered in 2023, left on 30/06/2024 owing money.
  writeExportFile(dir, "baux_20240701.csv", [
    ["B0011", "L11", "S", "Colmar", "01/01/2023", "30/06/2024", "CONGE", "CHOMAGE", "1", "O", "350,00", "50,00"],
  ]);

  // 2023: a year of billing and payments for every lease, and one unreadable date.
  const rows: string[][] = [];
  for (let i = 1; i <= 11; i++) {
    const b = `B${String(i).padStart(4, "0")}`;
    const [rent, charges] = i === 11 ? ["350,00", "50,00"] : ["400,00", "100,00"];
    for (let m = 1; m <= 12; m++) {
      const mm = String(m).padStart(2, "0");
      rows.push([`F${i}-${mm}-QL`, b, `01/${mm}/2023`, `${mm}/2023`, "QL", "Loyer", rent, "", ""]);
      rows.push([`F${i}-${mm}-QC`, b, `01/${mm}/2023`, `${mm}/2023`, "QC", "Charges", charges, "", ""]);
      // Lease 2 pays late in 2023 (one month behind from September); B0011 pays half.
      const paid = i === 11 ? "200,00" : i === 2 && m >= 9 ? "" : "500,00";
      if (paid) rows.push([`F${i}-${mm}-REG`, b, `06/${mm}/2023`, `${mm}/2023`, "REG", "Règlement", "", paid, "PRELEVEMENT"]);
    }
  }
  rows.push(["F-BAD", "B0003", "31/02/2023", "02/2023", "QL", "Loyer", "400,00", "", ""]);
  // B0011 in 2024: billed to June, pays nothing, then after its move-out a payment,
  // a write-off and a handover to a collection agency.
  for (let m = 1; m <= 6; m++) {
    const mm = String(m).padStart(2, "0");
    rows.push([`G11-${mm}-QL`, "B0011", `01/${mm}/2024`, `${mm}/2024`, "QL", "Loyer", "350,00", "", ""]);
    rows.push([`G11-${mm}-QC`, "B0011", `01/${mm}/2024`, `${mm}/2024`, "QC", "Charges", "50,00", "", ""]);
  }
  rows.push(["G11-REG", "B0011", "15/10/2024", "10/2024", "REG", "Règlement après départ", "", "300,00", "CHEQUE"]);
  rows.push(["G11-ANV", "B0011", "20/11/2024", "11/2024", "ANV", "Admission en non-valeur", "", "1 000,00", ""]);
  writeExportFile(dir, "ecritures_20240105.csv", rows);

  writeExportFile(dir, "actions_20250102.csv", [
    ["C01", "B0002", "10/10/2023", "RL1", "AG02", "", "", "N", ""],
    ["C02", "B0002", "15/11/2023", "PAS", "AG02", "300,00", "3", "N", ""],
    ["C03", "B0002", "15/12/2023", "VAD", "AG01", "", "", "N", ""],
    ["C04", "B0002", "10/02/2024", "PAD", "AG02", "", "", "N", ""],
    ["C05", "B0001", "05/11/2024", "VAD", "AG04", "", "", "N", ""],
    ["C06", "B0001", "06/11/2024", "CAF", "AG01", "", "", "N", ""],
    ["C07", "B0001", "07/11/2024", "FSL", "AG01", "", "", "N", ""],
    ["C08", "B0001", "08/11/2024", "PAS", "AG02", "1 500,00", "10", "N", ""],
    ["C09", "B0001", "25/11/2024", "PAR", "AG02", "", "", "N", ""],
    ["C10", "B0001", "01/12/2024", "CDP", "AG03", "", "", "N", ""],
    ["C11", "B0001", "20/12/2024", "ASS", "AG03", "", "", "N", ""],
    ["C12", "B0001", "21/12/2024", "RL2", "", "", "", "N", ""],
    // cancelled in the ERP: counts nowhere
    ["C13", "B0001", "22/12/2024", "JRB", "AG03", "", "", "O", ""],
    ["C14", "B0011", "10/09/2024", "SRE", "AG03", "", "", "N", ""],
    ["C15", "B0011", "15/05/2024", "CDP", "AG03", "", "", "N", ""],
  ]);
}

/** Write the site office and run the ETL into a fresh temporary folder. */
export async function buildSiteWarehouse(): Promise<{ dir: string; exportsDir: string; db: string }> {
  const dir = tempDir("oph-site-");
  const exportsDir = path.join(dir, "exports");
  const db = path.join(dir, "warehouse.duckdb");
  writeSiteOffice(exportsDir);
  await etl({ exportsDir, dbPath: db });
  return { dir, exportsDir, db };
}
