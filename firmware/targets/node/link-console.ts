/**
 * The serial-line link on a Pi (`--link console`): machine lines on stdout, downlink frames as
 * `solkit.rx("…")` lines on the console — PROTOCOL.md's serial line exactly, so `solkit host`
 * can take a Pi over a USB gadget serial port or a pseudo-terminal like any Espruino board.
 */
import type { Link } from "../../hal";

export function consoleLineLink(out: (line: string) => void): { link: Link; deliver: (body: string) => void } {
  let handler: (body: string) => void = () => {};
  return {
    link: {
      send: (line) => out(line),
      onReceive(h) {
        handler = h;
      },
      isUp: () => true, // stdout is always there; a missing host shows as missing acks
    },
    deliver: (body) => handler(body),
  };
}
