import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { RunLockedError } from "../../errors.ts";
import type { AppEnv } from "../context.ts";
import { requirePermission } from "../auth.ts";

/** GET /api/runs (recent ETL runs and the one in progress), POST /api/runs (start one now, admin). */
export const runsRoutes = new Hono<AppEnv>()
  .get("/", requirePermission("aggregates"), (c) => c.json(c.var.ctx.runs.status()))
  .post("/", requirePermission("startRun"), async (c) => {
    try {
      const started = await c.var.ctx.runs.start("api");
      return c.json({ demarre: true, ...started }, 202);
    } catch (e) {
      if (e instanceof RunLockedError) throw new HTTPException(409, { message: e.message });
      throw e;
    }
  });
