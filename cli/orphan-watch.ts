/**
 * `npx solkit …` and `npm start` run solkit as npm → `sh -c solkit …` → node. npm forwards a
 * SIGTERM to the shell, and the shell dies without passing it on: solkit and its children
 * (socat, the broker's port, the database lock) would run on as orphans (issue 11). Under npm
 * only, a parent that goes away counts as a SIGTERM, so the command's own handler stops
 * everything cleanly. Not elsewhere: `nohup solkit host &` must outlive its shell.
 */

/** Watches for the parent's exit while npm started us; the timer never keeps the process alive. */
export function stopWhenOrphaned(env: NodeJS.ProcessEnv = process.env): void {
  if (env.npm_command === undefined && env.npm_lifecycle_event === undefined) return;
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    process.kill(process.pid, "SIGTERM");
  }, 250);
  timer.unref();
}
