/** The run journal moved to src/runs/runJournal.ts (read by the API and the site as well as written here). */
export * from "../runs/runJournal.ts";
