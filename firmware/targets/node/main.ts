/**
 * The Node target's entry (a Raspberry Pi): `node firmware.cjs [--data DIR] [--broker URL]`.
 * One bundle, built by `solkit build --board rpi4`, with mqtt inside: copy it and run it with
 * Node 20 (`solkit service install` writes the systemd unit that does). GPIO through libgpiod's
 * tools (apt-get install gpiod), the INA219 through i2c-tools; readings to the gateway's broker.
 *
 * The console: lines on stdin, or on the control socket <data>/console.sock (mode 0600, only
 * the device's own user), e.g. `echo status | socat - UNIX-CONNECT:/var/lib/solkit/console.sock`.
 *
 * Required as a module instead of run, the same file gives the simulator its board facts and
 * startNodeDevice, to run the very program a Pi runs on virtual time with emulated parts.
 */
import BOARD from "solkit:board";
import { createServer, type Server } from "node:net";
import { chmodSync, existsSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { gpiodCli } from "./gpio";
import { i2cTransferBus } from "./i2c";
import { mqttDeviceLink, type MqttDeviceLink } from "./link-mqtt";
import { consoleLineLink } from "./link-console";
import { realTimerApi } from "./timer-api";
import { startNodeDevice } from "./device";

const HELP = `solkit device program for ${BOARD.id} (Node.js)

usage: node firmware.cjs [--data DIR] [--link mqtt|console] [--broker URL] [--chip NAME] [--i2c-bus N] [--socket PATH]

  --data DIR      the device's store: keys, credit, readings (default /var/lib/solkit, or $SOLKIT_DATA)
  --link KIND     mqtt (default): readings to the gateway's broker, logged in as the device;
                  console: PROTOCOL.md's serial line on stdin/stdout (solkit host on a serial port or pty)
  --broker URL    the gateway's MQTT broker (default mqtt://127.0.0.1:1883, or $SOLKIT_BROKER)
  --chip NAME     the GPIO chip of the header (default ${BOARD.gpioChip})
  --i2c-bus N     the INA219's I2C bus (default 1)
  --socket PATH   the console's control socket (default <data>/console.sock; "" for none)

examples:
  node firmware.cjs --data ./dev1                       # first start: unprovisioned, relay open
  echo "provision-key" | node firmware.cjs --data ./dev1  # the Pi's own RNG makes the key
  solkit service install --board ${BOARD.id}            # run it under systemd
`;

function args() {
  return parseArgs({
    strict: true,
    options: {
      data: { type: "string", default: process.env.SOLKIT_DATA ?? "/var/lib/solkit" },
      link: { type: "string", default: "mqtt" },
      broker: { type: "string", default: process.env.SOLKIT_BROKER ?? "mqtt://127.0.0.1:1883" },
      chip: { type: "string", default: BOARD.gpioChip },
      "i2c-bus": { type: "string", default: "1" },
      socket: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  }).values;
}

function main(): void {
  let values: ReturnType<typeof args>;
  try {
    values = args();
  } catch (e) {
    process.stderr.write(`solkit: ${(e as Error).message.split("\n")[0]}; see --help\n`);
    process.exit(2);
  }
  if (values.help === true) {
    process.stdout.write(HELP);
    return;
  }
  if (values.link !== "mqtt" && values.link !== "console") {
    process.stderr.write(`solkit: --link expected mqtt or console, got "${values.link}"\n`);
    process.exit(2);
  }
  // A closed stdout (a pipe whose reader went away) must not end the device program.
  process.stdout.on("error", () => {});
  const out = (t: string): void => {
    process.stdout.write(t + "\n");
  };
  const api = realTimerApi();
  const gpio = gpiodCli({ chip: values.chip!, log: out });
  let link: MqttDeviceLink | undefined = undefined;
  const running = startNodeDevice({
    board: BOARD, api, gpio, i2c: i2cTransferBus(Number(values["i2c-bus"])), dataDir: values.data!,
    link: (credentials) => values.link === "console" ? consoleLineLink(out).link : (link = mqttDeviceLink({ url: values.broker!, credentials, api, log: out })),
    out,
  });
  const answer = (line: string): string => {
    const a = running.input(line);
    return a === "" ? "" : a + "\n";
  };
  const rl = createInterface({ input: process.stdin, terminal: false });
  rl.on("line", (l) => process.stdout.write(answer(l)));
  const socketPath = values.socket ?? join(values.data!, "console.sock");
  let server: Server | undefined = undefined;
  if (socketPath !== "") server = controlSocket(socketPath, answer, out);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    running.stop();
    gpio.close(); // the relay's line goes back to its default: off
    server?.close();
    rl.close();
    void (link?.close() ?? Promise.resolve()).finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

/** The console on a Unix socket only the device's user may open (a technician's shell on the Pi). */
function controlSocket(path: string, answer: (line: string) => string, out: (t: string) => void): Server {
  if (existsSync(path)) unlinkSync(path); // left by a killed run
  const server = createServer((sock) => {
    const rl = createInterface({ input: sock, terminal: false });
    rl.on("line", (l) => sock.write(answer(l)));
    sock.on("error", () => rl.close());
  });
  const mask = process.umask(0o177);
  server.listen(path, () => {
    process.umask(mask);
    chmodSync(path, 0o600);
  });
  server.on("error", (e) => out(`console socket ${path}: ${e.message}`));
  return server;
}

/** The simulator's way in (simulator/node/node-board.ts). */
export const board = BOARD;
export { startNodeDevice } from "./device";

if (require.main === module) main();
