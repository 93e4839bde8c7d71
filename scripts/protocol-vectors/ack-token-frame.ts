/** Ack, token and frame vector cases (PROTOCOL.md sections 3, 4, 5), from the reference encoders. */
import { devA, devB, chainA } from "./reading-chain";
import { hex, refAck, refBody, refCrc16, refToken, unhex } from "./reference";

const A = hex(devA.publicKey);
const B = hex(devB.publicKey);
const keyA = hex(devA.macKey);
const keyB = hex(devB.macKey);

function edited(b: string, edit: (x: Buffer) => void): string {
  const x = unhex(b);
  edit(x);
  return hex(x);
}

export function ackCases(): object[] {
  const good = [
    { seq: 1, hostTime: 1767225660 },
    { seq: 6, hostTime: 0 },
    { seq: 4294967295, hostTime: 4294967295 },
  ].map((f, i) => {
    const b = refAck(A, f.seq, f.hostTime, devA.macKey);
    return { name: `ack ${i + 1}: seq ${f.seq}`, key: keyA, fields: { deviceId: A, ...f }, bytes: hex(b), mac: hex(b.subarray(44)), device: A, newestSeq: 4294967295 };
  });
  const g = good[0].bytes;
  return [
    ...good,
    { name: "truncated", bytes: g.slice(0, -2), error: "E_LENGTH" },
    { name: "empty", bytes: "", error: "E_LENGTH" },
    { name: "wrong kind (token)", bytes: edited(g, (x) => (x[0] = 3)), error: "E_KIND" },
    { name: "wrong version", bytes: edited(g, (x) => (x[1] = 2)), error: "E_VERSION" },
    { name: "reserved byte set", bytes: edited(g, (x) => (x[3] = 1)), error: "E_FIELD" },
    { name: "flipped MAC bit", bytes: edited(g, (x) => (x[59] ^= 0x80)), key: keyA, device: A, newestSeq: 10, error: "E_BAD_MAC" },
    { name: "seq changed under the MAC", bytes: edited(g, (x) => (x[36] = 200)), key: keyA, device: A, newestSeq: 1000, error: "E_BAD_MAC" },
    { name: "MAC made with another device's key", bytes: hex(refAck(A, 1, 0, devB.macKey)), key: keyA, device: A, newestSeq: 10, error: "E_BAD_MAC" },
    { name: "ack for another device", bytes: hex(refAck(B, 1, 0, devB.macKey)), key: keyA, device: A, newestSeq: 10, error: "E_WRONG_DEVICE" },
    { name: "acks more than the device stored", bytes: hex(refAck(A, 7, 0, devA.macKey)), key: keyA, device: A, newestSeq: 6, error: "E_RANGE" },
  ];
}

type Cfg = { key: number; value: number }[];
function tok(name: string, kind: number, counter: number, amount: number, config: Cfg) {
  const b = refToken(kind, A, counter, amount, config, devA.macKey);
  return { name, key: keyA, fields: { tokenKind: kind, deviceId: A, counter, amount, config }, bytes: hex(b), mac: hex(b.subarray(76)), device: A, lastCounter: counter - 1 };
}

export function tokenCases(): object[] {
  const good = [
    tok("add credit: one day", 1, 1, 86400, []),
    tok("set credit to zero", 2, 2, 0, []),
    tok("set credit: 30 days", 2, 3, 2592000, []),
    tok("unlock for good", 3, 4, 0, []),
    tok("disconnect now", 4, 5, 0, []),
    tok("set config: interval 300 s", 5, 6, 0, [{ key: 1, value: 300 }]),
    tok("set config: all keys", 5, 4294967295, 0, [{ key: 1, value: 86400 }, { key: 2, value: 10 }, { key: 3, value: 3600 }]),
    tok("maintenance: console open 15 minutes", 6, 7, 900, []),
    tok("maintenance: the longest window", 6, 8, 3600, []),
  ];
  const g = good[0].bytes;
  const cfg = good[6].bytes;
  const raw = (kind: number, amount: number, config: Cfg, counter = 9) => hex(refToken(kind, A, counter, amount, config, devA.macKey));
  return [
    ...good,
    { name: "truncated", bytes: g.slice(0, -2), error: "E_LENGTH" },
    { name: "too long", bytes: g + "00", error: "E_LENGTH" },
    { name: "wrong kind (reading)", bytes: edited(g, (x) => (x[0] = 1)), error: "E_KIND" },
    { name: "wrong version", bytes: edited(g, (x) => (x[1] = 9)), error: "E_VERSION" },
    { name: "reserved byte set", bytes: edited(g, (x) => (x[3] = 1)), error: "E_FIELD" },
    { name: "token kind 0", bytes: raw(0, 0, []), error: "E_FIELD" },
    { name: "token kind 7", bytes: raw(7, 0, []), error: "E_FIELD" },
    { name: "maintenance of 0 s", bytes: raw(6, 0, []), error: "E_RANGE" },
    { name: "maintenance over an hour", bytes: raw(6, 3601, []), error: "E_RANGE" },
    { name: "maintenance with a config slot", bytes: raw(6, 60, [{ key: 1, value: 60 }]), error: "E_FIELD" },
    { name: "counter 0", bytes: raw(1, 5, [], 0), error: "E_RANGE" },
    { name: "add credit of 0", bytes: raw(1, 0, []), error: "E_RANGE" },
    { name: "unlock with an amount", bytes: raw(3, 1, []), error: "E_RANGE" },
    { name: "credit token with a config slot", bytes: raw(1, 5, [{ key: 1, value: 60 }]), error: "E_FIELD" },
    { name: "set config with no entries", bytes: raw(5, 0, []), error: "E_FIELD" },
    { name: "config keys not ascending", bytes: raw(5, 0, [{ key: 2, value: 5 }, { key: 1, value: 60 }]), error: "E_FIELD" },
    { name: "config key repeated", bytes: raw(5, 0, [{ key: 1, value: 5 }, { key: 1, value: 60 }]), error: "E_FIELD" },
    { name: "unknown config key", bytes: raw(5, 0, [{ key: 4, value: 1 }]), error: "E_FIELD" },
    { name: "interval 0", bytes: raw(5, 0, [{ key: 1, value: 0 }]), error: "E_RANGE" },
    { name: "signEvery 65536", bytes: raw(5, 0, [{ key: 2, value: 65536 }]), error: "E_RANGE" },
    { name: "used slot after an empty one", bytes: edited(raw(5, 0, [{ key: 1, value: 5 }]), (x) => x.writeUInt32LE(2, 60)), error: "E_FIELD" },
    { name: "empty slot with a value", bytes: edited(raw(5, 0, [{ key: 1, value: 5 }]), (x) => x.writeUInt32LE(7, 56)), error: "E_FIELD" },
    { name: "flipped MAC bit", bytes: edited(g, (x) => (x[80] ^= 1)), key: keyA, device: A, lastCounter: 0, error: "E_BAD_MAC" },
    { name: "amount changed under the MAC", bytes: edited(g, (x) => (x[42] = 0x7f)), key: keyA, device: A, lastCounter: 0, error: "E_BAD_MAC" },
    { name: "config value changed under the MAC", bytes: edited(cfg, (x) => (x[56] = 11)), key: keyA, device: A, lastCounter: 0, error: "E_BAD_MAC" },
    { name: "MAC with another device's key", bytes: hex(refToken(1, A, 1, 60, [], devB.macKey)), key: keyA, device: A, lastCounter: 0, error: "E_BAD_MAC" },
    { name: "token for another device", bytes: hex(refToken(1, B, 1, 60, [], devB.macKey)), key: keyA, device: A, lastCounter: 0, error: "E_WRONG_DEVICE" },
    { name: "replayed counter", bytes: g, key: keyA, device: A, lastCounter: 1, error: "E_REPLAY" },
    { name: "older counter", bytes: g, key: keyA, device: A, lastCounter: 7, error: "E_REPLAY" },
    { name: "key of the wrong device for verify", bytes: g, key: keyB, device: A, lastCounter: 0, error: "E_BAD_MAC" },
  ];
}

export function frameCases(): object[] {
  const r1 = chainA[1];
  const frames = [
    { name: "unsigned reading", frame: chainA[0].bytes },
    { name: "signed reading", frame: r1.bytes + r1.signature },
    { name: "ack", frame: (ackCases()[0] as { bytes: string }).bytes },
    { name: "token", frame: (tokenCases()[0] as { bytes: string }).bytes },
  ].map((f) => {
    const body = refBody(unhex(f.frame));
    return {
      name: f.name, frame: f.frame, line: `@SK1:${body}`,
      espruinoHex: hex(Buffer.from(`\x10solkit.rx("${body}")\n`, "ascii")), nodemcu: `solkit_rx("${body}")\n`,
    };
  });
  const line = frames[1].line;
  const star = line.indexOf("*");
  const flipChar = (s: string, i: number) => s.slice(0, i) + (s[i] === "A" ? "B" : "A") + s.slice(i + 1);
  const bad = [
    { name: "flipped base64 character", line: flipChar(line, 40), error: "E_CRC" },
    { name: "flipped CRC digit", line: line.slice(0, -1) + (line.endsWith("0") ? "1" : "0"), error: "E_CRC" },
    { name: "upper-case CRC digits", line: line.slice(0, star + 1) + "ABCD", error: "E_FRAME" },
    { name: "no separator", line: line.slice(0, star), error: "E_FRAME" },
    { name: "CRC of 3 digits", line: line.slice(0, -1), error: "E_FRAME" },
    { name: "base64 length not a multiple of 4", line: lineWithCrc(Buffer.from(unhex(r1.bytes)).toString("base64").slice(0, -1)), error: "E_BASE64" },
    { name: "non-canonical base64 (unused bits set)", line: lineWithCrc("AB=="), error: "E_BASE64" },
    { name: "character outside the base64 alphabet", line: lineWithCrc("AAA-"), error: "E_BASE64" },
    { name: "empty frame", line: lineWithCrc(""), error: "E_LENGTH" },
    { name: "reading plus one byte", line: `@SK1:${refBody(unhex(r1.bytes + "00"))}`, error: "E_LENGTH" },
    { name: "unknown kind 9", line: `@SK1:${refBody(unhex("09" + r1.bytes.slice(2)))}`, error: "E_KIND" },
    { name: "token with a signature appended", line: `@SK1:${refBody(unhex((tokenCases()[0] as { bytes: string }).bytes + r1.signature))}`, error: "E_LENGTH" },
    { name: "reading with a bad version", line: `@SK1:${refBody(unhex("0102" + r1.bytes.slice(4)))}`, error: "E_VERSION" },
  ];
  return [...frames, ...bad, ...streamCases(frames, bad[0].line)];
}

/** A machine line whose CRC matches `text`, so the check after the CRC is what fails. */
function lineWithCrc(text: string): string {
  return `@SK1:${text}*${refCrc16(Buffer.from(text, "ascii")).toString(16).padStart(4, "0")}`;
}

/** Split `text` into chunks of `n` characters (the runner feeds them one by one). */
function chunked(text: string, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += n) out.push(text.slice(i, i + n));
  return out;
}

function streamCases(frames: { frame: string; line: string }[], corrupt: string): object[] {
  const text =
    "boot ok\r\n" + frames[0].line + "\n" + "temp 21.5\n" + frames[1].line + "\r\n" + corrupt + "\n" + "\n" + "tail without LF";
  const events = [
    { type: "log", text: "boot ok" },
    { type: "frame", frame: frames[0].frame },
    { type: "log", text: "temp 21.5" },
    { type: "frame", frame: frames[1].frame },
    { type: "error", code: "E_CRC" },
    { type: "log", text: "" },
  ];
  const long = "x".repeat(513) + "\n" + "y".repeat(512) + "\r\n" + "z".repeat(2000) + "\r\n" + frames[2].line + "\n";
  return [
    { name: "stream: logs, frames, CRLF, a corrupt line (chunks of 1)", chunks: chunked(text, 1), events },
    { name: "stream: same text in chunks of 7", chunks: chunked(text, 7), events },
    { name: "stream: same text in one chunk", chunks: [text], events },
    { name: "stream: overlong lines dropped, 512 kept, memory bounded", chunks: chunked(long, 100), events: [
      { type: "error", code: "E_LINE_TOO_LONG" },
      { type: "log", text: "y".repeat(512) },
      { type: "error", code: "E_LINE_TOO_LONG" },
      { type: "frame", frame: frames[2].frame },
    ] },
  ];
}
