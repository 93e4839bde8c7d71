/**
 * Whether the gateway's commits work (pipeline.ts): a failed commit (a full disk, an I/O error)
 * is said once, and the first commit that works again says so and gives the WAL's pages back.
 */
import type { Logger } from "./log";
import type { Db } from "./store-sqlite";

export class StoreHealth {
  /** Why the last commit failed, until one works again. */
  private problem: "full" | "error" | undefined;

  constructor(private readonly db: Db, private readonly logger: Logger, private readonly dbFile?: string) {}

  get ok(): boolean {
    return this.problem === undefined;
  }

  /** A commit of `frames` frames failed with `e` (nothing of it was stored or acked). */
  failed(e: Error, frames: number): void {
    const full = (e as { code?: string }).code === "SQLITE_FULL";
    if (full && this.problem === "full") return;
    this.problem = full ? "full" : "error";
    if (full) {
      this.logger.log("error", "store", `disk full: ${this.dbFile ?? "the database"} cannot grow; not acking readings until there is space (the devices keep them and resend); free space on its disk`);
    } else {
      this.logger.log("error", "store", `commit failed, ${frames} frames not acked (devices will resend): ${e.message}`);
    }
  }

  /** A commit worked: after a failure, say so and give the WAL's pages back to the disk. */
  works(): void {
    if (this.problem === undefined) return;
    const was = this.problem;
    this.problem = undefined;
    try {
      this.db.pragma("wal_checkpoint(TRUNCATE)");
    } catch {
      // a busy reader: the next automatic checkpoint does it
    }
    this.logger.log("info", "store", was === "full" ? "disk space is back: readings are stored and acked again" : "commits work again");
  }
}
