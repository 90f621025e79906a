/**
 * Server configuration from the environment, validated once at start-up.
 */
import path from "node:path";
import { z } from "zod";
import { ConfigError } from "../errors.ts";
import { DEFAULT_DB_PATH, DEFAULT_EXPORTS_DIR, projectPath } from "../paths.ts";

const schema = z.object({
  PORT: z.string().regex(/^\d{1,5}$/).default("3000").transform(Number),
  HOST: z.string().default("127.0.0.1"),
  EXPORTS_DIR: z.string().default(DEFAULT_EXPORTS_DIR),
  WAREHOUSE_DB: z.string().default(DEFAULT_DB_PATH),
  SITES_DIR: z.string().default(projectPath("data", "site")),
  USERS_FILE: z.string().default(projectPath("data", "users.json")),
  PROFILE: z.string().optional(),
  NIGHTLY_SCHEDULE: z.string().default("30 2 * * *"),
  NIGHTLY_TIMEZONE: z.string().default("Europe/Paris"),
  SECURE_COOKIES: z.enum(["0", "1"]).default("0"),
});

export type ServerConfig = ReturnType<typeof loadServerConfig>;

export function loadServerConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new ConfigError(`Variable d'environnement ${i.path.join(".")} invalide : ${i.message}`);
  }
  const c = parsed.data;
  return {
    ...c,
    EXPORTS_DIR: path.resolve(c.EXPORTS_DIR),
    WAREHOUSE_DB: path.resolve(c.WAREHOUSE_DB),
    SITES_DIR: path.resolve(c.SITES_DIR),
    USERS_FILE: path.resolve(c.USERS_FILE),
    SECURE_COOKIES: c.SECURE_COOKIES === "1",
  };
}
