/**
 * One gateway per database (issue 11): two `solkit host` on the same SQLite file both acked
 * readings and both spooled them upstream. A lock file beside the database holds the owner's
 * pid, created exclusively; a lock whose process is gone is taken over (a crash or kill -9
 * leaves one behind), a live one refuses with the holder's pid.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { SolkitError } from "../../shared/errors";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM"; // exists, owned by someone else
  }
}

/**
 * Takes `<database>.lock`; returns the release function.
 * @throws SolkitError E_IN_USE when a live process holds it
 */
export function lockDatabase(database: string): () => void {
  if (database === ":memory:") return () => {};
  const file = `${database}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, "wx", 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const pid = Number.parseInt(readFileSync(file, "utf8"), 10);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
        throw new SolkitError("E_IN_USE", `${database} is in use by another gateway (pid ${pid}); stop it first, or give this one its own --config with another "database"`);
      }
      rmSync(file, { force: true }); // stale: its process is gone
    }
  }
  throw new SolkitError("E_IN_USE", `${database}: could not take ${file}`);
}
