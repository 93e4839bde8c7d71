/**
 * The link over the USB console: machine lines are printed, downlink bodies come in through
 * solkit.rx("…") typed by the host. Its own module so that the HAL contract suites
 * (test/hal-contract/) run the very code main.ts runs.
 */
import type { Link } from "../../hal";

/** The USB console as the link: frames are printed as lines, downlink arrives via solkit.rx. */
export function consoleLink(): { link: Link; deliver: (body: string) => void } {
  let handler: ((body: string) => void) | undefined = undefined;
  return {
    link: {
      send: function (line: string): void {
        console.log(line);
      },
      onReceive: function (h: (body: string) => void): void {
        handler = h;
      },
      isUp: function (): boolean {
        return true; // the console is always there; a pulled cable shows as missing acks
      },
    },
    deliver: function (body: string): void {
      if (handler !== undefined) handler(body);
    },
  };
}
