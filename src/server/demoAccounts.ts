/**
 * The demo office's accounts: one per role, created at first start with random
 * passwords. Only scrypt hashes go to the users file; the passwords are printed once
 * and kept, readable by the owner only, in data/comptes-demo.txt so they can be found again.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { ROLES, hashPassword, writeUsersFile, type User } from "../api/users.ts";

export interface DemoAccount {
  identifiant: string;
  role: string;
  mot_de_passe: string;
}

export function ensureDemoAccounts(usersFile: string): DemoAccount[] | null {
  const notes = path.join(path.dirname(usersFile), "comptes-demo.txt");
  if (fs.existsSync(usersFile)) {
    return fs.existsSync(notes) ? (JSON.parse(fs.readFileSync(notes, "utf8")) as DemoAccount[]) : null;
  }
  const accounts: DemoAccount[] = ROLES.map((role) => ({
    identifiant: `demo-${role}`,
    role,
    mot_de_passe: crypto.randomBytes(9).toString("base64url"),
  }));
  const users: User[] = accounts.map((a) => ({
    identifiant: a.identifiant,
    role: a.role as User["role"],
    mot_de_passe_hache: hashPassword(a.mot_de_passe),
  }));
  fs.mkdirSync(path.dirname(usersFile), { recursive: true, mode: 0o700 });
  writeUsersFile(usersFile, users);
  fs.writeFileSync(notes, JSON.stringify(accounts, null, 2) + "\n", { mode: 0o600 });
  return accounts;
}
