/** Durable writes: what a power cut must not undo. */
import fs from "node:fs";

/** Flush a file's or a folder's content to disk (a folder: its entries, so that a new or renamed file survives). */
export function fsyncPath(p: string): void {
  const fd = fs.openSync(p, "r");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
