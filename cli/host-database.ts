/**
 * The gateway database a field command uses for its registry (device keys, token counters):
 * the one of `--config <file>`, else the default ./.solkit/gateway.db.
 */
import { defaultConfig, loadConfig } from "../host/gateway/config";
import { CliError } from "./errors";

/** @throws CliError when the config file cannot be read or is invalid */
export function registryDatabase(configFile: string | undefined): string {
  return hostSettings(configFile).database;
}

/** The database and the site of the host's configuration. @throws CliError as registryDatabase */
export function hostSettings(configFile: string | undefined): { database: string; site: string } {
  try {
    const c = configFile ? loadConfig(configFile) : defaultConfig();
    return { database: c.database, site: c.site };
  } catch (e) {
    throw new CliError(`${(e as Error).message} (see docs/host-config.md)`);
  }
}
