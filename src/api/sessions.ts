/**
 * Server-side sessions: a random token in an HttpOnly, SameSite=Strict cookie, the
 * session itself in memory (a restart signs everyone out, which is acceptable for an
 * intranet tool). Sessions expire after a period without use.
 */
import crypto from "node:crypto";
import type { Role } from "./users.ts";

export const SESSION_COOKIE = "oph_session";

export interface Session {
  identifiant: string;
  role: Role;
  expiresAt: number;
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly ttlMs = 8 * 3600_000,
    private readonly now: () => number = Date.now,
  ) {}

  create(identifiant: string, role: Role): string {
    const token = crypto.randomBytes(32).toString("base64url");
    this.sessions.set(token, { identifiant, role, expiresAt: this.now() + this.ttlMs });
    return token;
  }

  /** The live session for a token, sliding its expiry; null when unknown or expired. */
  get(token: string | undefined): Session | null {
    if (!token) return null;
    const s = this.sessions.get(token);
    if (!s) return null;
    if (s.expiresAt <= this.now()) {
      this.sessions.delete(token);
      return null;
    }
    s.expiresAt = this.now() + this.ttlMs;
    return s;
  }

  delete(token: string | undefined): void {
    if (token) this.sessions.delete(token);
  }
}

/**
 * Slows repeated failed sign-ins down: after a few failures for one account or one
 * address, each further attempt must wait, doubling up to a cap.
 */
export class SignInThrottle {
  private readonly failures = new Map<string, { count: number; until: number }>();

  constructor(
    private readonly freeAttempts = 5,
    private readonly baseDelayMs = 1000,
    private readonly maxDelayMs = 15 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds to wait before another attempt is accepted for any of these keys (0 = go). */
  waitMs(keys: string[]): number {
    return Math.max(0, ...keys.map((k) => (this.failures.get(k)?.until ?? 0) - this.now()));
  }

  fail(keys: string[]): void {
    for (const k of keys) {
      const f = this.failures.get(k) ?? { count: 0, until: 0 };
      f.count++;
      if (f.count >= this.freeAttempts) {
        f.until = this.now() + Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (f.count - this.freeAttempts));
      }
      this.failures.set(k, f);
    }
  }

  succeed(keys: string[]): void {
    for (const k of keys) this.failures.delete(k);
  }
}
