/**
 * Users and roles, from a JSON file (data/users.json by default). Passwords are
 * stored only as scrypt hashes: `scrypt$<N>$<r>$<p>$<salt b64>$<hash b64>`.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import { z } from "zod";
import { ConfigError } from "../errors.ts";

export const ROLES = ["direction", "communication", "recouvrement", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** What each role may do. Aggregates for everyone; cases for recouvrement and admin; runs and publications for admin. */
export const PERMISSIONS = {
  aggregates: ["direction", "communication", "recouvrement", "admin"],
  cases: ["recouvrement", "admin"],
  startRun: ["admin"],
  publish: ["admin"],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof PERMISSIONS;

const usersFileSchema = z.object({
  utilisateurs: z.array(
    z.object({
      identifiant: z.string().min(1).max(64),
      role: z.enum(ROLES),
      mot_de_passe_hache: z.string().regex(/^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/),
    }),
  ),
});

export interface User {
  identifiant: string;
  role: Role;
  mot_de_passe_hache: string;
}

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 };

export function hashPassword(password: string): string {
  const salt = crypto.randomBytes(16);
  const hash = crypto.scryptSync(password, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString("base64")}$${hash.toString("base64")}`;
}

export function verifyPassword(password: string, stored: string): boolean {
  const [, n, r, p, salt, hash] = stored.split("$");
  const expected = Buffer.from(hash!, "base64");
  const actual = crypto.scryptSync(password, Buffer.from(salt!, "base64"), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: 64 * 1024 * 1024,
  });
  return crypto.timingSafeEqual(actual, expected);
}

export class UserStore {
  private readonly byId: Map<string, User>;
  /** A hash to verify against when the user does not exist, so timing does not tell. */
  private readonly decoy = hashPassword(crypto.randomBytes(12).toString("hex"));

  constructor(users: User[]) {
    this.byId = new Map(users.map((u) => [u.identifiant, u]));
  }

  /** One account per role, named after it, all with this password (tests and checks). */
  static onePerRole(password: string): UserStore {
    return new UserStore(ROLES.map((role) => ({ identifiant: role, role, mot_de_passe_hache: hashPassword(password) })));
  }

  static fromFile(path: string): UserStore {
    let json: unknown;
    try {
      json = JSON.parse(fs.readFileSync(path, "utf8"));
    } catch (e) {
      throw new ConfigError(`Fichier des utilisateurs ${path} illisible : ${(e as Error).message}`);
    }
    const parsed = usersFileSchema.safeParse(json);
    if (!parsed.success) {
      throw new ConfigError(
        `Fichier des utilisateurs ${path} invalide : ${parsed.error.issues.map((i) => `${i.path.join(".")} : ${i.message}`).join("; ")}`,
      );
    }
    return new UserStore(parsed.data.utilisateurs);
  }

  /** The user when the password matches, else null (same work either way). */
  authenticate(identifiant: string, password: string): User | null {
    const user = this.byId.get(identifiant);
    const ok = verifyPassword(password, user?.mot_de_passe_hache ?? this.decoy);
    return user && ok ? user : null;
  }
}

export function writeUsersFile(path: string, users: User[]): void {
  fs.writeFileSync(path, JSON.stringify({ utilisateurs: users }, null, 2) + "\n", { mode: 0o600 });
}
