// A scripted MCP server on stdio for intern's fault tests (no dependencies). It logs every
// message it receives to stderr ("got METHOD ID") so tests can see what the client sent.
//
// Environment: FAKE_MCP_VERSION  protocol revision to answer (default: the client's)
//              FAKE_MCP_PAGE_SIZE  tools per tools/list page (default: all)
//              FAKE_MCP_EXIT_AT_START  exit with status 7 before reading anything
// Tools: echo(text), crash, hang (blocks the whole process), stall (never answers, stays
// responsive), garbage, huge(mb), error, change (announces a new tool "added").
import readline from "node:readline";

if (process.env.FAKE_MCP_EXIT_AT_START) {
  process.stderr.write("refusing to start\n");
  process.exit(7);
}

const pageSize = Number(process.env.FAKE_MCP_PAGE_SIZE || 0);
const tools = [
  { name: "echo", description: "Echoes text", inputSchema: { type: "object", properties: { text: { type: "string" } }, required: ["text"], $schema: "http://json-schema.org/draft-07/schema#" } },
  { name: "crash", description: "Exits mid-call", inputSchema: { type: "object" } },
  { name: "hang", description: "Blocks forever", inputSchema: { type: "object" } },
  { name: "stall", description: "Never answers", inputSchema: { type: "object" } },
  { name: "garbage", description: "Writes non-JSON", inputSchema: { type: "object" } },
  { name: "huge", description: "Answers with mb megabytes", inputSchema: { type: "object", properties: { mb: { type: "number" } } } },
  { name: "error", description: "Reports a tool error", inputSchema: { type: "object" } },
  { name: "change", description: "Adds a tool", inputSchema: { type: "object" } },
];

const send = (m) => process.stdout.write(JSON.stringify(m) + "\n");
const result = (id, r) => send({ jsonrpc: "2.0", id, result: r });
const text = (t, isError = false) => ({ content: [{ type: "text", text: t }], isError });

function call(id, name, args) {
  switch (name) {
    case "echo": return result(id, text(`echo: ${args.text}`));
    case "crash": process.stderr.write("crashing now\n"); process.exit(3);
    case "hang": process.stderr.write("hanging\n");
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 600000); return;
    case "stall": process.stderr.write("stalling\n"); return;
    case "garbage": process.stdout.write("this is not json\n"); return;
    case "huge": {
      const big = "x".repeat(Math.round((args.mb ?? 10) * 1024 * 1024));
      return result(id, text(big));
    }
    case "error": return result(id, text("the widget is broken", true));
    case "change":
      tools.push({ name: "added", description: "Appeared later", inputSchema: { type: "object" } });
      send({ jsonrpc: "2.0", method: "notifications/tools/list_changed" });
      return result(id, text("changed"));
    case "added": return result(id, text("I am new"));
    default: return send({ jsonrpc: "2.0", id, error: { code: -32602, message: `Unknown tool: ${name}` } });
  }
}

const rl = readline.createInterface({ input: process.stdin });
rl.on("line", (line) => {
  let m;
  try { m = JSON.parse(line); } catch { process.stderr.write("bad line\n"); return; }
  process.stderr.write(`got ${m.method ?? "response"} ${m.id ?? ""}${m.method === "notifications/cancelled" ? " for " + m.params.requestId : ""}\n`);
  if (m.method === "initialize") {
    return result(m.id, {
      protocolVersion: process.env.FAKE_MCP_VERSION || m.params.protocolVersion,
      capabilities: { tools: { listChanged: true }, resources: {} },
      serverInfo: { name: "fake", version: "1.0" },
    });
  }
  if (m.method === "tools/list") {
    const start = Number(m.params?.cursor ?? 0);
    const end = pageSize ? start + pageSize : tools.length;
    const page = { tools: tools.slice(start, end) };
    if (end < tools.length) page.nextCursor = String(end);
    return result(m.id, page);
  }
  if (m.method === "resources/list") return result(m.id, { resources: [{ uri: "fake://notes", name: "notes", mimeType: "text/plain" }] });
  if (m.method === "resources/read") return result(m.id, { contents: [{ uri: m.params.uri, mimeType: "text/plain", text: "the notes" }] });
  if (m.method === "ping") return result(m.id, {});
  if (m.method === "tools/call") return call(m.id, m.params.name, m.params.arguments ?? {});
  if (m.id !== undefined && m.method) send({ jsonrpc: "2.0", id: m.id, error: { code: -32601, message: "no such method" } });
});
rl.on("close", () => process.exit(0));
