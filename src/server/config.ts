/**
 * Server configuration from the environment, validated once at start-up.
 */
import path from "node:path";
import { z } from "zod";
import { DEFAULT_ALLOWED_HOSTS, normaliseHostName, parseHost } from "../api/requestOrigin.ts";
import { ConfigError } from "../errors.ts";
import { DEFAULT_DB_PATH, DEFAULT_EXPORTS_DIR, projectPath } from "../paths.ts";

const schema = z.object({
  PORT: z
    .string()
    .regex(/^\d{1,5}$/)
    .default("3000")
    .transform(Number),
  HOST: z.string().default("127.0.0.1"),
  EXPORTS_DIR: z.string().default(DEFAULT_EXPORTS_DIR),
  WAREHOUSE_DB: z.string().default(DEFAULT_DB_PATH),
  SITES_DIR: z.string().default(projectPath("data", "site")),
  USERS_FILE: z.string().default(projectPath("data", "users.json")),
  PROFILE: z.string().optional(),
  NIGHTLY_SCHEDULE: z.string().default("30 2 * * *"),
  NIGHTLY_TIMEZONE: z.string().default("Europe/Paris"),
  SECURE_COOKIES: z.enum(["0", "1"]).default("0"),
  ALLOWED_HOSTS: z.string().optional(),
});

/** Addresses that listen on every interface: they name no host a browser would use. */
const WILDCARDS = new Set(["0.0.0.0", "::", "[::]", ""]);

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
    ALLOWED_HOSTS: allowedHosts(c.HOST, c.ALLOWED_HOSTS),
    EXPORTS_DIR: path.resolve(c.EXPORTS_DIR),
    WAREHOUSE_DB: path.resolve(c.WAREHOUSE_DB),
    SITES_DIR: path.resolve(c.SITES_DIR),
    USERS_FILE: path.resolve(c.USERS_FILE),
    SECURE_COOKIES: c.SECURE_COOKIES === "1",
  };
}

/**
 * The host names the server answers to (its Host check, src/api/requestOrigin.ts): the
 * ALLOWED_HOSTS list when given, else HOST and the loopback names. A server listening on
 * every interface (0.0.0.0, ::) is reached by names only the administrator knows: it must
 * list them, or any name pointed at it (DNS rebinding) would be answered.
 */
function allowedHosts(host: string, list: string | undefined): string[] {
  if (list !== undefined) {
    const names = list
      .split(",")
      .map((n) => normaliseHostName(n))
      .filter(Boolean);
    const bad = names.find((n) => !parseHost(n.includes(":") ? `[${n}]` : n));
    if (bad !== undefined)
      throw new ConfigError(
        `Variable d'environnement ALLOWED_HOSTS invalide : « ${bad} » n'est pas un nom d'hôte ni une adresse. Donnez des noms séparés par des virgules, sans schéma ni port (ex. : observatoire.oph.local,10.0.0.12).`,
      );
    if (names.length === 0)
      throw new ConfigError(
        "Variable d'environnement ALLOWED_HOSTS invalide : liste vide. Donnez les noms par lesquels on ouvre l'Observatoire, séparés par des virgules (ex. : observatoire.oph.local,localhost).",
      );
    return names;
  }
  if (WILDCARDS.has(host.trim())) {
    throw new ConfigError(
      `HOST=${host} écoute sur toutes les interfaces : indiquez dans ALLOWED_HOSTS les noms par lesquels on ouvre l'Observatoire, séparés par des virgules (ex. : ALLOWED_HOSTS=observatoire.oph.local,localhost), ou donnez à HOST une adresse précise.`,
    );
  }
  return [...new Set([normaliseHostName(host), ...DEFAULT_ALLOWED_HOSTS])];
}
