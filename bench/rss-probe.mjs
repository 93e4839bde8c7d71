// Preloaded with `node --import` by bench/cli.ts: prints the process's peak memory as it exits,
// so the CLI's own figure is read without any hook in the product.
process.on("exit", () => {
  process.stderr.write(`\nbench-maxrss-kb ${process.resourceUsage().maxRSS}\n`);
});
