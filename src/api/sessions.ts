/**
 * Server-side sessions: a random token in an HttpOnly, SameSite=Strict cookie, the
 * session itself in memory (a restart signs everyone out, which is acceptable for an
 * intranet tool). Sessions expire after a period without use. Sign-in throttling.
 */
import crypto from "node:crypto";
import type { Role } from "./users.ts";

export const SESSION_COOKIE = "oph_session";

export interface Session {
  identifiant: string;
  role: Role;
  expiresAt: number;
}

/** How often at most the stores sweep their expired entries (each sweep walks the whole map). */
const SWEEP_EVERY_MS = 60_000;

export class SessionStore {
  /** In least-recently-used order: get() moves a session to the end. */
  private readonly sessions = new Map<string, Session>();
  private lastSweep: number;

  constructor(
    private readonly ttlMs = 8 * 3600_000,
    private readonly now: () => number = Date.now,
    /** Memory bound: past it, the least recently used session is signed out. */
    private readonly maxSessions = 10_000,
  ) {
    this.lastSweep = now();
  }

  get size(): number {
    return this.sessions.size;
  }

  create(identifiant: string, role: Role): string {
    this.sweep();
    // Every sign-in adds a session: without a bound, sign-ins alone would fill the memory.
    while (this.sessions.size >= this.maxSessions) this.sessions.delete(this.sessions.keys().next().value!);
    const token = crypto.randomBytes(32).toString("base64url");
    this.sessions.set(token, { identifiant, role, expiresAt: this.now() + this.ttlMs });
    return token;
  }

  /** The live session for a token, sliding its expiry; null when unknown or expired. */
  get(token: string | undefined): Session | null {
    if (!token) return null;
    const s = this.sessions.get(token);
    if (!s) return null;
    this.sessions.delete(token);
    if (s.expiresAt <= this.now()) return null;
    s.expiresAt = this.now() + this.ttlMs;
    this.sessions.set(token, s);
    return s;
  }

  delete(token: string | undefined): void {
    if (token) this.sessions.delete(token);
  }

  /** Drop expired sessions (at most once a minute): sessions nobody comes back to are not kept. */
  private sweep(): void {
    const now = this.now();
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    for (const [token, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(token);
  }
}

export interface ThrottleOptions {
  /** Failures of one address on one account before that pair must wait. */
  freeAttempts?: number;
  /** The pair's first wait, doubled at each further failure, up to maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Failures of one address over all accounts within windowMs before the address must wait. */
  addressCap?: number;
  /** The observation window of the per-address cap and of the per-account delay. */
  windowMs?: number;
  /** Failures on one account (from any address) within windowMs before its answers are slowed. */
  accountFreeFailures?: number;
  /** The per-account delay starts at 250 ms and doubles up to this (bounded: never a refusal). */
  accountMaxDelayMs?: number;
  /** Memory bound of each table (pairs, addresses, accounts). */
  maxEntries?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** What the throttle says about an attempt before the password is checked. */
export interface Verdict {
  /** > 0: refuse now (429), another attempt is accepted after this many milliseconds. */
  refuseMs: number;
  /** Wait this long before answering (right or wrong password alike), then check the password. */
  delayMs: number;
}

/** Timestamps of failures within a window, per key; a bounded map. */
class WindowedFailures {
  private readonly byKey = new Map<string, number[]>();

  constructor(
    private readonly windowMs: number,
    /** No more timestamps than this per key: enough to decide, bounded memory. */
    private readonly keepPerKey: number,
    private readonly maxEntries: number,
  ) {}

  get size(): number {
    return this.byKey.size;
  }

  /** The failures of key still within the window, oldest first. */
  recent(key: string, now: number): number[] {
    const list = this.byKey.get(key);
    if (!list) return [];
    while (list.length && list[0]! <= now - this.windowMs) list.shift();
    if (!list.length) this.byKey.delete(key);
    return list;
  }

  add(key: string, now: number): void {
    const list = this.recent(key, now);
    if (!this.byKey.has(key)) makeRoom(this.byKey, this.maxEntries);
    list.push(now);
    if (list.length > this.keepPerKey) list.shift();
    this.byKey.delete(key); // most recently failed last: the oldest goes first when full
    this.byKey.set(key, list);
  }

  sweep(now: number): void {
    for (const key of [...this.byKey.keys()]) this.recent(key, now);
  }
}

/** Past the bound, the least recently touched entry goes (Map keeps insertion order). */
function makeRoom<K, V>(map: Map<K, V>, maxEntries: number): void {
  while (map.size >= maxEntries) map.delete(map.keys().next().value!);
}

/**
 * Slows repeated failed sign-ins down without letting a stranger lock a person out.
 *
 * Following OWASP's Authentication Cheat Sheet ("Login Throttling", "Account Lockout": an
 * exponential lockout that starts at one second and doubles; "care must be taken to prevent
 * it from being used to cause a denial of service by locking out other users' accounts")
 * and Credential Stuffing Prevention Cheat Sheet ("IP Blacklisting": failures per address
 * tracked separately from the per-user ones, the block temporary):
 *
 * - per (address, account) pair: after `freeAttempts` failures, each further attempt from
 *   that address on that account waits 1 s, doubling up to 15 min (429 + Retry-After). A
 *   stranger elsewhere thus locks only their own pair; a success clears it;
 * - per address, over all accounts: `addressCap` failures within `windowMs` and the address
 *   waits until the oldest one leaves the window (429). A success, of this account or of
 *   another, does not reset it (it would let an attacker holding one account keep guessing);
 * - per account, over all addresses (attempts from many addresses): never a refusal, at most
 *   a bounded delay (250 ms doubling to 2 s) added to every answer for that account, right and
 *   wrong passwords alike, so the delay tells nothing about the password.
 *
 * Memory is bounded: expired entries are swept (at most once a minute) and each table holds
 * at most `maxEntries` keys (the least recently touched goes first).
 */
export class SignInThrottle {
  private readonly pairs = new Map<string, { count: number; until: number; last: number }>();
  private readonly addresses: WindowedFailures;
  private readonly accounts: WindowedFailures;
  private readonly o: Required<Omit<ThrottleOptions, "sleep">>;
  readonly sleep: (ms: number) => Promise<void>;
  private lastSweep: number;

  constructor(options: ThrottleOptions = {}) {
    this.o = {
      freeAttempts: 5,
      baseDelayMs: 1000,
      maxDelayMs: 15 * 60_000,
      addressCap: 20,
      windowMs: 15 * 60_000,
      accountFreeFailures: 5,
      accountMaxDelayMs: 2000,
      maxEntries: 10_000,
      now: Date.now,
      // An option given as undefined keeps its default.
      ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
    };
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.addresses = new WindowedFailures(this.o.windowMs, this.o.addressCap, this.o.maxEntries);
    // Past 8 failures the delay is at its bound already: no need to keep more.
    this.accounts = new WindowedFailures(this.o.windowMs, this.o.accountFreeFailures + 8, this.o.maxEntries);
    this.lastSweep = this.o.now();
  }

  /** Entries held, per table (tests check the memory bound). */
  get sizes(): { pairs: number; addresses: number; accounts: number } {
    return { pairs: this.pairs.size, addresses: this.addresses.size, accounts: this.accounts.size };
  }

  assess(address: string, account: string): Verdict {
    const now = this.o.now();
    this.sweep(now);
    const pairWait = (this.pairs.get(pairKey(address, account))?.until ?? 0) - now;
    const recentOfAddress = this.addresses.recent(address, now);
    const addressWait = recentOfAddress.length >= this.o.addressCap ? recentOfAddress[0]! + this.o.windowMs - now : 0;
    const accountFailures = this.accounts.recent(account, now).length;
    const over = accountFailures - this.o.accountFreeFailures;
    const delayMs = over < 0 ? 0 : Math.min(this.o.accountMaxDelayMs, 250 * 2 ** over);
    return { refuseMs: Math.max(0, pairWait, addressWait), delayMs };
  }

  fail(address: string, account: string): void {
    const now = this.o.now();
    const key = pairKey(address, account);
    let pair = this.pairs.get(key);
    if (!pair) {
      makeRoom(this.pairs, this.o.maxEntries);
      pair = { count: 0, until: 0, last: now };
    }
    pair.count++;
    pair.last = now;
    if (pair.count >= this.o.freeAttempts) {
      pair.until = now + Math.min(this.o.maxDelayMs, this.o.baseDelayMs * 2 ** (pair.count - this.o.freeAttempts));
    }
    this.pairs.delete(key);
    this.pairs.set(key, pair);
    this.addresses.add(address, now);
    this.accounts.add(account, now);
  }

  /** The right password from this address: its pair starts afresh (the address and account counts stay). */
  succeed(address: string, account: string): void {
    this.pairs.delete(pairKey(address, account));
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    // A pair is forgotten once its wait is over and its last failure left the observation window.
    for (const [key, p] of this.pairs) if (now >= Math.max(p.until, p.last + this.o.windowMs)) this.pairs.delete(key);
    this.addresses.sweep(now);
    this.accounts.sweep(now);
  }
}

const pairKey = (address: string, account: string) => `${address}\u0000${account}`;
