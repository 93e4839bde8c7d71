/**
 * MQTT topic tree (PROTOCOL.md section 6): `solkit/v1/<site>/<device>/<leaf>`, where device
 * is the device's Stellar-style `G…` id and leaf one of reading, state, status, cmd, notice.
 * Portable: devices on Wi-Fi build their own topics with this.
 */
import { SolkitError } from "../errors";
import { isPublicKey } from "../crypto/strkey";

/** First two levels of every solkit topic. */
export const TOPIC_ROOT = "solkit/v1";
/** The leaves, in PROTOCOL.md order. */
export const TOPIC_LEAVES = ["reading", "state", "status", "cmd", "notice"];
/** Longest site name. */
export const MAX_SITE = 64;

/** A parsed topic. */
export interface Topic {
  site: string;
  /** `G…` device id. */
  device: string;
  leaf: string;
}

/** True when `c` may appear in a site name: A-Z a-z 0-9 - _ . (never / + # or NUL, MQTT 3.1.1 4.7). */
function siteChar(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 95 || c === 46;
}

/** Throws E_TOPIC unless `site` is 1..64 of A-Z a-z 0-9 - _ . @throws SolkitError E_TOPIC */
export function checkSite(site: string): void {
  if (site.length < 1 || site.length > MAX_SITE) {
    throw new SolkitError("E_TOPIC", `topic: site expected 1..${MAX_SITE} characters, got ${site.length}`);
  }
  for (let i = 0; i < site.length; i++) {
    if (!siteChar(site.charCodeAt(i))) {
      throw new SolkitError("E_TOPIC", `topic: site may hold only A-Z a-z 0-9 - _ ., got character code ${site.charCodeAt(i)} at ${i}`);
    }
  }
}

function checkLeaf(leaf: string): void {
  for (let i = 0; i < TOPIC_LEAVES.length; i++) if (TOPIC_LEAVES[i] === leaf) return;
  throw new SolkitError("E_TOPIC", `topic: leaf expected one of ${TOPIC_LEAVES.join("|")}, got "${leaf}"`);
}

function checkDevice(device: string): void {
  if (!isPublicKey(device)) throw new SolkitError("E_TOPIC", `topic: device expected a G… public key, got "${device.substring(0, 60)}"`);
}

/**
 * `solkit/v1/<site>/<device>/<leaf>`.
 * @throws SolkitError E_TOPIC when a part is not valid
 */
export function buildTopic(site: string, device: string, leaf: string): string {
  checkSite(site);
  checkDevice(device);
  checkLeaf(leaf);
  return `${TOPIC_ROOT}/${site}/${device}/${leaf}`;
}

/**
 * Site, device and leaf of a solkit topic.
 * @throws SolkitError E_TOPIC when the topic is not exactly solkit/v1/<site>/<G…>/<leaf>
 */
export function parseTopic(topic: string): Topic {
  const parts = topic.split("/");
  if (parts.length !== 5 || parts[0] !== "solkit" || parts[1] !== "v1") {
    throw new SolkitError("E_TOPIC", `topic: expected solkit/v1/<site>/<device>/<leaf>, got "${topic.substring(0, 120)}"`);
  }
  checkSite(parts[2]);
  checkDevice(parts[3]);
  checkLeaf(parts[4]);
  return { site: parts[2], device: parts[3], leaf: parts[4] };
}

/**
 * A subscription filter; pass "+" for site or device to match any (MQTT 3.1.1 section
 * 4.7.1.3 single-level wildcard), e.g. topicFilter("+", "+", "reading").
 * @throws SolkitError E_TOPIC when a part is neither "+" nor valid
 */
export function topicFilter(site: string, device: string, leaf: string): string {
  if (site !== "+") checkSite(site);
  if (device !== "+") checkDevice(device);
  checkLeaf(leaf);
  return `${TOPIC_ROOT}/${site}/${device}/${leaf}`;
}
