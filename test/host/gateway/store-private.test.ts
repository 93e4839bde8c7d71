/** The gateway database holds HMAC keys: 0600 in a 0700 folder, whatever the umask (issue 11). */
import { afterEach, describe, expect, it } from "vitest";
import { chmodSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openStore } from "../../../host/gateway/store-sqlite";
import { tempDir } from "./helpers";

const mode = (p: string) => statSync(p).mode & 0o777;
let saved: number | undefined;
afterEach(() => {
  if (saved !== undefined) process.umask(saved);
  saved = undefined;
});

describe("the gateway database at rest", () => {
  it("is created 0600 in a folder made 0700, even with umask 000", () => {
    saved = process.umask(0);
    const file = join(tempDir(), ".solkit", "gateway.db");
    const db = openStore(file);
    db.exec("CREATE TABLE IF NOT EXISTS t (x)");
    db.close();
    expect(mode(file)).toBe(0o600);
    expect(mode(join(file, ".."))).toBe(0o700);
  });

  it("an existing world-readable database is made 0600; an existing folder keeps its mode", () => {
    const dir = join(tempDir(), "shared");
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    const file = join(dir, "gw.db");
    writeFileSync(file, "");
    chmodSync(file, 0o644);
    openStore(file).close();
    expect(mode(file)).toBe(0o600);
    expect(mode(dir)).toBe(0o755);
  });
});
