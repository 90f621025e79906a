/**
 * Answers that depend only on the published warehouse and the request's validated
 * parameters are computed once per publication (WarehouseSource.json) and sent as
 * the cached JSON text.
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "./context.ts";
import type { Warehouse } from "../warehouse/warehouse.ts";

/** A cache key naming the route and every validated parameter, in a fixed order. */
export function cacheKey(route: string, params: Record<string, unknown>): string {
  const entries = Object.entries(params)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return `${route} ${JSON.stringify(entries)}`;
}

/** With `notFound`, an answer of null (kept like any other) is a 404 with that message. */
export async function cachedJson(
  c: Context<AppEnv>,
  route: string,
  params: Record<string, unknown>,
  compute: (wh: Warehouse) => Promise<unknown>,
  notFound?: string,
): Promise<Response> {
  const text = await c.var.ctx.warehouse.json(cacheKey(route, params), compute);
  if (notFound !== undefined && text === "null") throw new HTTPException(404, { message: notFound });
  return c.body(text, 200, { "Content-Type": "application/json" });
}
