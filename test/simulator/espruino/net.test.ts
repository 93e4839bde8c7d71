import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { makeBoard } from "./helpers";

let server: net.Server | undefined;

afterEach(async () => {
  if (server) await new Promise((r) => server!.close(r));
  server = undefined;
});

function listen(onSocket: (s: net.Socket) => void): Promise<number> {
  server = net.createServer(onSocket);
  return new Promise((resolve) => server!.listen(0, "127.0.0.1", () => resolve((server!.address() as net.AddressInfo).port)));
}

async function until(board: ReturnType<typeof makeBoard>["board"], cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out");
    await board.advanceAsync(10, 10);
  }
}

describe('require("net") over real TCP on loopback', () => {
  it("connects, writes, receives data as byte strings, and closes", async () => {
    const received: Buffer[] = [];
    const port = await listen((s) => {
      s.on("data", (d) => {
        received.push(d);
        s.write(Buffer.from([0x20, 0x02, 0x00, 0xff])); // a CONNACK-shaped reply
        s.end();
      });
    });
    const { board } = makeBoard();
    board.runCode(`
      var got = "", closed = false, connected = false;
      var sock = require("net").connect({ host: "127.0.0.1", port: ${port} }, function () {
        connected = true;
        sock.write("\\x10\\x0c" + "MQTT");
      });
      sock.on("data", function (d) { got += d; });
      sock.on("close", function () { closed = true; });
    `);
    await until(board, () => board.runCode("closed").value === true);
    expect(Buffer.concat(received).toString("latin1")).toBe("\x10\x0cMQTT");
    expect(board.runCode("[connected, got.length, got.charCodeAt(0), got.charCodeAt(3)].join()").value).toBe("true,4,32,255");
  });

  it("reports a refused connection with error and close", async () => {
    const port = await listen(() => {});
    await new Promise((r) => server!.close(r));
    server = undefined;
    const { board } = makeBoard();
    board.runCode(`
      var events = [];
      var s = require("net").connect({ host: "127.0.0.1", port: ${port} });
      s.on("error", function (e) { events.push("error " + e.message); });
      s.on("close", function () { events.push("close"); });
    `);
    await until(board, () => board.runCode("events.length").value === 2);
    expect(board.runCode("events.join('|')").value).toBe("error ECONNREFUSED|close");
  });

  it("closes open sockets when the network goes down; a power cut drops them silently", async () => {
    const port = await listen(() => {});
    const { board } = makeBoard();
    board.runCode(`var closes = 0; var s = require("net").connect({ host: "127.0.0.1", port: ${port} }); s.on("close", function () { closes++; });`);
    await board.advanceAsync(50);
    board.setNetworkUp(false);
    board.advance(1);
    expect(board.runCode("closes").value).toBe(1);
    board.setNetworkUp(true);
    board.runCode(`var t = require("net").connect({ host: "127.0.0.1", port: ${port} });`);
    await board.advanceAsync(50);
    board.powerOff();
    await board.advanceAsync(50);
    expect(board.isOn).toBe(false);
  });
});
