/**
 * The published warehouse as the server sees it: one read-only handle at a time,
 * swapped after each successful run. A request holds the handle it started with;
 * an old handle closes only once its last request is done, so a request during a
 * swap is answered wholly from the old or wholly from the new warehouse.
 *
 * Each handle keeps a few DuckDB connections so that requests run side by side
 * (one connection runs one query at a time), and a cache of the answers computed on
 * it (see responseCache.ts): a cached answer needs no connection at all.
 */
import fs from "node:fs";
import type { DuckDBConnection } from "@duckdb/node-api";
import { QueryError } from "../errors.ts";
import type { WarehouseSource } from "../api/context.ts";
import { connectTo, openWarehouse, type Warehouse } from "../warehouse/warehouse.ts";
import { ResponseCache } from "./responseCache.ts";

const MAX_CONNECTIONS = 4;

interface Handle {
  wh: Warehouse;
  users: number;
  retired: boolean;
  idle: DuckDBConnection[];
  open: number;
  waiting: Array<(c: DuckDBConnection) => void>;
  responses: ResponseCache;
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
    this.current = { wh, users: 0, retired: false, idle: [wh.conn], open: 1, waiting: [], responses: new ResponseCache() };
    if (previous) {
      previous.retired = true;
      if (previous.users === 0) close(previous);
    }
  }

  async use<T>(fn: (wh: Warehouse) => Promise<T>): Promise<T> {
    return useHandle(await this.currentHandle(), fn);
  }

  async json(key: string, fn: (wh: Warehouse) => Promise<unknown>): Promise<string> {
    const handle = await this.currentHandle();
    return handle.responses.text(key, () => useHandle(handle, fn).then((v) => JSON.stringify(v)));
  }

  private async currentHandle(): Promise<Handle> {
    if (!this.current) {
      this.opening ??= this.reload().finally(() => (this.opening = null));
      await this.opening;
    }
    if (!this.current) throw new QueryError("aucun entrepôt publié pour l'instant : un premier chargement doit réussir.");
    return this.current;
  }

  close(): void {
    if (this.current && this.current.users === 0) close(this.current);
    this.current = null;
  }
}

async function useHandle<T>(handle: Handle, fn: (wh: Warehouse) => Promise<T>): Promise<T> {
  handle.users++;
  let conn: DuckDBConnection | null = null;
  try {
    conn = await acquire(handle);
    return await fn({ ...handle.wh, conn });
  } finally {
    if (conn) release(handle, conn);
    handle.users--;
    if (handle.retired && handle.users === 0) close(handle);
  }
}

async function acquire(h: Handle): Promise<DuckDBConnection> {
  const idle = h.idle.pop();
  if (idle) return idle;
  if (h.open < MAX_CONNECTIONS) {
    h.open++;
    return connectTo(h.wh);
  }
  return new Promise((resolve) => h.waiting.push(resolve));
}

function release(h: Handle, conn: DuckDBConnection): void {
  const next = h.waiting.shift();
  if (next) next(conn);
  else h.idle.push(conn);
}

function close(h: Handle): void {
  for (const c of h.idle) if (c !== h.wh.conn) c.closeSync();
  h.idle = [];
  h.wh.close();
}
