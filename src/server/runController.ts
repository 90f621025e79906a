/**
 * The nightly run, started by the schedule, the API or at start-up: ETL, then a new
 * site build in a fresh folder, then the swap of both (warehouse handle and site
 * folder); the site is built from the new warehouse before it is published, so both
 * change together or not at all. One run at a time: in this process a second request is refused at once;
 * across processes the ETL's lock file refuses it. A failed run changes nothing
 * that is served; the failure is in the journal, /health and the data-quality page.
 */
import fs from "node:fs";
import path from "node:path";
import cron from "node-cron";
import type { RunStarter, RunStatus } from "../api/context.ts";
import { RunLockedError } from "../errors.ts";
import { runEtl } from "../etl/runEtl.ts";
import { readRuns } from "../runs/runJournal.ts";
import { tightenTree } from "../ownerOnly.ts";
import type { Profile } from "../etl/profile.ts";
import type { WarehouseProvider } from "./warehouseProvider.ts";

export interface RunControllerOptions {
  exportsDir: string;
  dbPath: string;
  profile?: Profile;
  /** Folder holding one sub-folder per site build and the `current` link. */
  sitesDir: string;
  warehouse: WarehouseProvider;
  /** Builds the site from a warehouse into a folder (src/site/build.ts in production). */
  buildSite: (warehouse: string, output: string) => Promise<void>;
  log?: (line: string) => void;
}

export class RunController implements RunStarter {
  private running: { declenchement: string; depuis: string; promise: Promise<void> } | null = null;
  private task: { stop(): void } | null = null;

  constructor(private readonly o: RunControllerOptions) {}

  private log(line: string) {
    (this.o.log ?? ((l: string) => process.stderr.write(l + "\n")))(line);
  }

  /** The folder of the site build being served, or null before the first build. */
  currentSite(): string | null {
    const link = path.join(this.o.sitesDir, "current");
    try {
      return fs.realpathSync(link);
    } catch {
      return null;
    }
  }

  status(): RunStatus {
    return {
      en_cours: this.running ? { run_id: null, declenchement: this.running.declenchement, depuis: this.running.depuis } : null,
      derniers: readRuns(this.o.dbPath).reverse().slice(0, 50),
    };
  }

  /** Start a run in the background; resolves once it has started (not finished). */
  async start(declenchement: "api" | "planification" | "cli"): Promise<{ depuis: string }> {
    if (this.running) {
      throw new RunLockedError(
        `Un chargement est déjà en cours (lancé par ${this.running.declenchement} le ${this.running.depuis}). Attendez sa fin avant d'en lancer un autre.`,
      );
    }
    const depuis = new Date().toISOString();
    let started!: () => void;
    let failedToStart!: (e: unknown) => void;
    const startedPromise = new Promise<void>((res, rej) => ((started = res), (failedToStart = rej)));
    const promise = this.execute(started, failedToStart).finally(() => (this.running = null));
    this.running = { declenchement, depuis, promise };
    await startedPromise;
    return { depuis };
  }

  /** Run now and wait for the end; rejects when the run fails. */
  async runNow(declenchement: "api" | "planification" | "cli"): Promise<void> {
    await this.start(declenchement);
    await this.running?.promise;
  }

  /** The run in progress, if any (tests and shutdown wait on it). */
  get inProgress(): Promise<void> | null {
    return this.running?.promise ?? null;
  }

  private async execute(started: () => void, failedToStart: (e: unknown) => void): Promise<void> {
    let locked = false;
    const output = path.join(this.o.sitesDir, `site-${Date.now()}`);
    try {
      await runEtl({
        exportsDir: this.o.exportsDir,
        dbPath: this.o.dbPath,
        profile: this.o.profile,
        log: (l) => this.log(l),
        onLocked: () => {
          locked = true;
          // Holding the lock: what a killed run left in the sites folder can go now.
          this.cleanSiteLeftovers();
          started();
        },
        // The site is built from the new warehouse before it is published: both or neither.
        beforePublish: async (warehouse) => {
          await this.o.buildSite(warehouse, output);
          // Owner-only whatever builder made it (ownerOnly.ts): the build served from data/site.
          tightenTree(output);
        },
      });
      await this.o.warehouse.reload();
      this.swapSite(output);
      this.log(`[serveur] nouvelles données publiées`);
    } catch (e) {
      if (!locked) return failedToStart(e);
      fs.rmSync(output, { recursive: true, force: true });
      this.log(`[serveur] chargement en échec, les données publiées restent les précédentes : ${(e as Error).message}`);
    }
  }

  /** Point `current` at the new build atomically (a new link renamed over the old), then prune. */
  private swapSite(output: string): void {
    const link = path.join(this.o.sitesDir, "current");
    const before = this.currentSite();
    const tmp = `${link}.${process.pid}.tmp`;
    fs.rmSync(tmp, { force: true });
    fs.symlinkSync(path.basename(output), tmp);
    fs.renameSync(tmp, link);
    // Keep the build that was served until now a while: pages already open may still ask
    // for its assets. (Not "the newest other folder": that may be a killed run's leftover.)
    const keep = new Set([path.basename(output)]);
    if (before) keep.add(path.basename(before));
    for (const d of fs.readdirSync(this.o.sitesDir)) {
      if (d.startsWith("site-") && !keep.has(d)) fs.rmSync(path.join(this.o.sitesDir, d), { recursive: true, force: true });
    }
  }

  /**
   * Remove what a run killed mid-way left in the sites folder: a build folder newer than
   * the one served (never swapped in) and a half-made `current.<pid>.tmp` link. The served
   * build and the one before it stay. Called while holding the run lock.
   */
  private cleanSiteLeftovers(): void {
    let entries: string[];
    try {
      entries = fs.readdirSync(this.o.sitesDir);
    } catch {
      return;
    }
    const current = this.currentSite();
    const served = current ? path.basename(current) : null;
    const builds = entries.filter((d) => d.startsWith("site-")).sort();
    const previous = served ? builds.filter((d) => d < served).at(-1) : undefined;
    for (const d of builds) {
      if (d !== served && d !== previous) fs.rmSync(path.join(this.o.sitesDir, d), { recursive: true, force: true });
    }
    for (const d of entries) if (/^current\.\d+\.tmp$/.test(d)) fs.rmSync(path.join(this.o.sitesDir, d), { force: true });
  }

  schedule(expression: string, timezone: string): void {
    if (!cron.validate(expression)) throw new Error(`Planification « ${expression} » invalide (syntaxe cron).`);
    this.task = cron.schedule(
      expression,
      () => {
        this.start("planification").catch((e: Error) => this.log(`[serveur] chargement planifié non lancé : ${e.message}`));
      },
      { timezone },
    );
  }

  stopSchedule(): void {
    this.task?.stop();
  }
}
