/**
 * The published warehouse as the server sees it: one read-only handle at a time,
 * swapped after each successful run. A request holds the handle it started with;
 * an old handle closes only once its last request is done, so a request during a
 * swap is answered wholly from the old or wholly from the new warehouse.
 */
import fs from "node:fs";
import { QueryError } from "../errors.ts";
import type { WarehouseSource } from "../api/context.ts";
import { openWarehouse, type Warehouse } from "../warehouse/warehouse.ts";

interface Handle {
  wh: Warehouse;
  users: number;
  retired: boolean;
}

export class WarehouseProvider implements WarehouseSource {
  private current: Handle | null = null;
  private opening: Promise<void> | null = null;

  constructor(readonly dbPath: string) {}

  /** Open the file now at dbPath and make it current; the previous handle retires. */
  async reload(): Promise<void> {
    if (!fs.existsSync(this.dbPath)) return;
    const wh = await openWarehouse(this.dbPath);
    const previous = this.current;
    this.current = { wh, users: 0, retired: false };
    if (previous) {
      previous.retired = true;
      if (previous.users === 0) previous.wh.close();
    }
  }

  async use<T>(fn: (wh: Warehouse) => Promise<T>): Promise<T> {
    if (!this.current) {
      this.opening ??= this.reload().finally(() => (this.opening = null));
      await this.opening;
    }
    const handle = this.current;
    if (!handle) throw new QueryError("aucun entrepôt publié pour l'instant : un premier chargement doit réussir.");
    handle.users++;
    try {
      return await fn(handle.wh);
    } finally {
      handle.users--;
      if (handle.retired && handle.users === 0) handle.wh.close();
    }
  }

  close(): void {
    if (this.current && this.current.users === 0) this.current.wh.close();
    this.current = null;
  }
}
