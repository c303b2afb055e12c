#pragma once
// Shared by the MCP tests: where node, the scripted fake server and the npm reference server
// are, and clients wired to them. Tests that need node or the reference server FAIL (never
// skip) with a sentence naming scripts/setup when it has not been run.

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "config/clock.h"
#include "tools/mcp/mcp_client.h"
#include "tools/mcp/stdio_transport.h"

namespace intern::testing {

inline std::string NodeBinary() {
  for (const char* dir : {"/usr/bin", "/usr/local/bin"}) {
    std::filesystem::path p = std::filesystem::path(dir) / "node";
    if (std::filesystem::exists(p)) return p.string();
  }
  if (const char* path = std::getenv("PATH")) {
    std::string dirs = path;
    size_t start = 0;
    while (start <= dirs.size()) {
      size_t end = dirs.find(':', start);
      std::filesystem::path p =
          std::filesystem::path(dirs.substr(start, end - start)) / "node";
      if (std::filesystem::exists(p)) return p.string();
      if (end == std::string::npos) break;
      start = end + 1;
    }
  }
  FAIL("node is not installed; run scripts/setup (it installs nodejs and npm)");
  return "";
}

inline std::string FakeMcpServer() {
  return std::string(INTERN_SOURCE_DIR) + "/tests/tools/mcp/fake_mcp_server.mjs";
}

inline std::string EverythingServer() {
  std::filesystem::path p =
      std::filesystem::path(INTERN_SOURCE_DIR) /
      "tests/.mcp/node_modules/@modelcontextprotocol/server-everything/dist/index.js";
  if (!std::filesystem::exists(p))
    FAIL("the MCP reference server is not installed at " + p.string() +
         "; run scripts/setup (it installs @modelcontextprotocol/server-everything into "
         "tests/.mcp)");
  return p.string();
}

inline tools::StdioTransportOptions StdioOptions(std::vector<std::string> args,
                                                 std::map<std::string, std::string> env = {}) {
  tools::StdioTransportOptions options;
  options.child.command = NodeBinary();
  options.child.args = std::move(args);
  options.child.env = std::move(env);
  return options;
}

// A client of the scripted fake server; back-off sleeps go to `clock` (no real waiting).
inline std::unique_ptr<tools::McpClient> FakeClient(
    FakeClock& clock, std::map<std::string, std::string> env = {},
    std::chrono::milliseconds timeout = std::chrono::milliseconds(5'000),
    std::size_t max_message_bytes = 4 * 1024 * 1024) {
  tools::StdioTransportOptions stdio = StdioOptions({FakeMcpServer()}, std::move(env));
  stdio.max_message_bytes = max_message_bytes;
  tools::McpClientOptions options;
  options.server_name = "fake";
  options.make_transport = [stdio] { return std::make_unique<tools::StdioTransport>(stdio); };
  options.call_timeout = timeout;
  options.startup_timeout = std::chrono::milliseconds(10'000);
  options.max_restarts = 3;
  options.clock = &clock;
  return std::make_unique<tools::McpClient>(std::move(options));
}

// Waits until `done` holds, at most `limit`; true when it did.
inline bool WaitFor(const std::function<bool()>& done,
                    std::chrono::milliseconds limit = std::chrono::milliseconds(10'000)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

// A TCP port on 127.0.0.1 that was free a moment ago (for servers that cannot report theirs).
inline int FreeLoopbackPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  ::close(fd);
  return ntohs(addr.sin_port);
}

inline bool AcceptsConnections(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

}  // namespace intern::testing
