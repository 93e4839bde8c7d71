/**
 * Which device `status` messages the gateway passes upstream (issue 11): only a registered
 * device's, only small ones. Anyone on the local broker can publish a status, and the
 * gateway retains the latest per topic for every reconnect, so before this a stranger could
 * fill the upstream broker and the gateway's memory with retained topics of made-up devices.
 */
import { parseTopic } from "../../shared/protocol/topics";

/** "online", "offline" or a small JSON object: 256 bytes is plenty. */
export const MAX_STATUS_BYTES = 256;

/** Undefined when `payload` on `topic` may go upstream, else why not. */
export function statusRefusal(topic: string, payload: string, isRegistered: (device: string) => boolean): string | undefined {
  let device: string;
  try {
    device = parseTopic(topic).device;
  } catch {
    return "not a solkit topic";
  }
  if (!isRegistered(device)) return `device ${device} is not registered`;
  const bytes = Buffer.byteLength(payload);
  if (bytes > MAX_STATUS_BYTES) return `${bytes} bytes (limit ${MAX_STATUS_BYTES})`;
  return undefined;
}
