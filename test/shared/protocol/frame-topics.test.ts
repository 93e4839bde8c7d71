import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { LineParser, MAX_LINE, encodeFrame, encodeUplinkLine } from "../../../shared/protocol/frame";
import type { LineEvent } from "../../../shared/protocol/frame";
import { buildTopic, parseTopic, topicFilter } from "../../../shared/protocol/topics";
import { encodePublicKey } from "../../../shared/crypto/strkey";
import { loadVectors, onlySolkitErrors } from "./helpers";
import { bytesN } from "./arbitraries";

const frames = loadVectors("frame").cases.filter((c) => c.frame).map((c) => Buffer.from(c.frame, "hex"));
const show = (e: LineEvent) => (e.type === "frame" ? `F${Buffer.from(encodeFrame(e.frame!.message, e.frame!.signature)).toString("hex")}` : `${e.type}:${e.code}:${e.text}`);

function feed(chunks: string[]): string[] {
  const p = new LineParser();
  return chunks.flatMap((c) => p.push(c)).map(show);
}

// Text pieces: log lines, good frame lines, corrupted frame lines, CRLF, overlong lines.
const piece = fc.oneof(
  fc.string({ maxLength: 40 }).map((s) => s.replace(/\n/g, " ") + "\n"),
  fc.constantFrom(...frames).map((f) => encodeUplinkLine(f)),
  fc.constantFrom(...frames).map((f) => encodeUplinkLine(f).replace("\n", "\r\n")),
  fc.tuple(fc.constantFrom(...frames), fc.nat()).map(([f, i]) => {
    const l = encodeUplinkLine(f);
    const at = 5 + (i % (l.length - 6));
    return l.slice(0, at) + (l[at] === "x" ? "y" : "x") + l.slice(at + 1);
  }),
  fc.integer({ min: MAX_LINE - 2, max: MAX_LINE + 700 }).map((n) => "g".repeat(n) + "\n"),
);

describe("LineParser", () => {
  it("gives the same events however the input is split", () => {
    fc.assert(fc.property(fc.array(piece, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 20 }), (pieces, cuts) => {
      const text = pieces.join("");
      const at = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
      const chunks: string[] = [];
      let from = 0;
      for (const c of at) {
        chunks.push(text.slice(from, c));
        from = c;
      }
      chunks.push(text.slice(from));
      expect(feed(chunks)).toEqual(feed([text]));
      expect(feed(text.split(""))).toEqual(feed([text]));
    }), { numRuns: 300 });
  });

  it("every good frame line yields its frame", () => {
    for (const f of frames) expect(feed([encodeUplinkLine(f)])).toEqual([`F${f.toString("hex")}`]);
  });

  it("never buffers more than MAX_LINE + 1 characters", () => {
    const p = new LineParser();
    for (let i = 0; i < 1000; i++) p.push("z".repeat(997));
    expect((p as unknown as { buf: string }).buf.length).toBeLessThanOrEqual(MAX_LINE + 1);
    expect(p.errors).toBe(1);
    expect(p.push("\nok\n").map(show)).toEqual(["log::ok"]);
  });

  it("random text: one event per line, a log line as it was, a random frame line an error with a code", () => {
    fc.assert(fc.property(fc.string({ maxLength: 600, unit: "binary" }), (s) => {
      const text = s.replace(/[\r\n]/g, " ");
      const p = new LineParser();
      const events = p.push(text + "\n");
      expect(events).toHaveLength(1);
      if (text.length > MAX_LINE) expect(events[0]).toMatchObject({ type: "error", code: "E_LINE_TOO_LONG" });
      else if (!/[\x00-\x1f]/.test(text) && !text.startsWith("@SK1:")) expect(events[0]).toEqual({ type: "log", text, frame: undefined, code: "" });
      expect(p.errors).toBe(events[0].type === "error" ? 1 : 0);

      const q = new LineParser();
      // (without backspace or ESC, which could erase the prefix as a terminal would)
      const bad = q.push("@SK1:" + text.replace(/[\x08\x1b]/g, " ") + "\n");
      expect(bad).toHaveLength(1);
      expect(bad[0].type).toBe("error"); // random text never carries a valid CRC and frame
      expect(bad[0].code).toMatch(/^E_[A-Z0-9_]+$/);
      expect(q.errors).toBe(1);
    }), { numRuns: 1000 });
  });
});

describe("topics", () => {
  it("build and parse round-trip", () => {
    fc.assert(fc.property(
      fc.stringMatching(/^[A-Za-z0-9._-]{1,64}$/), bytesN(32), fc.constantFrom("reading", "state", "status", "cmd", "notice"),
      (site, pk, leaf) => {
        const device = encodePublicKey(pk);
        const t = buildTopic(site, device, leaf);
        expect(t).toBe(`solkit/v1/${site}/${device}/${leaf}`);
        expect(parseTopic(t)).toEqual({ site, device, leaf });
      },
    ));
  });
  it("rejects malformed topics with E_TOPIC only", () => {
    const d = encodePublicKey(new Uint8Array(32));
    for (const t of ["", "solkit/v1", `solkit/v2/s/${d}/reading`, `solkit/v1/s/${d}/other`, `solkit/v1/a+b/${d}/cmd`,
      `solkit/v1//${d}/cmd`, `solkit/v1/s/GABC/cmd`, `solkit/v1/s/${d}/cmd/x`]) {
      expect(() => parseTopic(t)).toThrow(expect.objectContaining({ code: "E_TOPIC" }));
    }
    // Random text: refused with E_TOPIC, or a topic that builds back to the very same text.
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 120 }), fc.constant(`solkit/v1/s/${d}/cmd`)), (s) => {
      let t: ReturnType<typeof parseTopic>;
      try {
        t = parseTopic(s);
      } catch (e) {
        expect(e).toMatchObject({ code: "E_TOPIC" });
        return;
      }
      expect(buildTopic(t.site, t.device, t.leaf)).toBe(s);
    }));
  });
  it("filters take + wildcards", () => {
    expect(topicFilter("+", "+", "reading")).toBe("solkit/v1/+/+/reading");
    expect(() => topicFilter("#", "+", "reading")).toThrow();
  });
});

describe("visibleLine (REPL prompt redraws around printed lines)", () => {
  it("drops Espruino's prompt erase, cursor sequences and text before a CR", async () => {
    const { visibleLine, LineParser, encodeUplinkLine, encodeFrame } = await import("../../../shared/protocol/frame");
    expect(visibleLine(">\x08@SK1:abc")).toBe("@SK1:abc");
    expect(visibleLine("\x1b[D\x1b[D\x1b[J\x08hello")).toBe("hello");
    expect(visibleLine("junk\r@SK1:x")).toBe("@SK1:x");
    expect(visibleLine("plain log line")).toBe("plain log line");
    const line = encodeUplinkLine(encodeFrame(new Uint8Array([2, 1, ...new Array(58).fill(0)])));
    const ev = new LineParser().push(`>\x08${line}`);
    expect(ev[0].type === "frame" || ev[0].code !== "").toBe(true);
    expect(ev[0].text.startsWith("@SK1:")).toBe(true);
  });
});
