/**
 * The product's one server (site + API, src/api/app.ts) on 127.0.0.1 and a free port,
 * on a given warehouse and site folder, with one account per role (test password).
 */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { WarehouseProvider } from "../../src/server/warehouseProvider.ts";
import { PASSWORD, siteApp } from "./apiApp.ts";

export interface ProductServer {
  url: string;
  password: string;
  close(): Promise<void>;
}

/** Serve `app` on 127.0.0.1 and a free port (the product's server, in tests, checks and the bench). */
export async function listenOnLoopback(app: {
  fetch: Parameters<typeof serve>[0]["fetch"];
}): Promise<{ server: ReturnType<typeof serve>; port: number; url: string }> {
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return { server, port, url: `http://127.0.0.1:${port}` };
}

export async function startProductServer(db: string, siteDir: string): Promise<ProductServer> {
  const warehouse = new WarehouseProvider(db);
  const app = siteApp(warehouse, siteDir);
  const { server, url } = await listenOnLoopback(app);
  return {
    url,
    password: PASSWORD,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        warehouse.close();
      }),
  };
}
