/**
 * The gateway database a field command uses for its registry (device keys, token counters):
 * the one of `--config <file>`, else the default ./.solkit/gateway.db.
 */
import { defaultConfig, loadConfig } from "../host/gateway/config";
import { CliError } from "./errors";

/** @throws CliError when the config file cannot be read or is invalid */
export function registryDatabase(configFile: string | undefined): string {
  try {
    return (configFile ? loadConfig(configFile) : defaultConfig()).database;
  } catch (e) {
    throw new CliError(`${(e as Error).message} (see docs/host-config.md)`);
  }
}
