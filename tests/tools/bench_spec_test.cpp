#include <catch2/catch.hpp>

#include "tools/bench/bench_spec.h"

namespace intern::tools {

TEST_CASE("a full bench spec is parsed into commands, limits, metrics and versions", "[bench]") {
  auto spec = ParseBenchSpec(R"(
name = "sort"
setup = ["seq 10 > in.txt", ["touch", "b"]]
command = ["sort", "-n", "in.txt"]
files = ["data/x.txt"]
warmups = 1
repetitions = 3
timeout = 12.5
network = "loopback"
[env]
LC_ALL = "C"
[limits]
cpu_seconds = 4
memory_mb = 128
processes = 16
output_bytes = 4096
file_size_mb = 2
tmpfs_mb = 8
open_files = 64
[[metrics]]
name = "rate"
regex = 'rate: ([0-9.]+)'
unit = "op/s"
stream = "stderr"
[versions]
sort = ["sort", "--version"]
)", "s.toml", "/specs");
  REQUIRE(spec.ok());
  CHECK(spec->name == "sort");
  CHECK(spec->base_dir == "/specs");
  CHECK(spec->setup == std::vector<std::vector<std::string>>{{"/bin/sh", "-c", "seq 10 > in.txt"}, {"touch", "b"}});
  CHECK(spec->command == std::vector<std::string>{"sort", "-n", "in.txt"});
  CHECK(spec->files == std::vector<std::string>{"data/x.txt"});
  CHECK(spec->env == std::vector<std::string>{"LC_ALL=C"});
  CHECK(spec->warmups == 1);
  CHECK(spec->repetitions == 3);
  CHECK(spec->limits.wall_seconds == 12.5);
  CHECK(spec->limits.cpu_seconds == 4);
  CHECK(spec->limits.memory_bytes == (128u << 20));
  CHECK(spec->limits.max_processes == 16);
  CHECK(spec->limits.output_bytes == 4096);
  CHECK(spec->limits.file_size_bytes == (2u << 20));
  CHECK(spec->limits.tmpfs_bytes == (8u << 20));
  CHECK(spec->limits.open_files == 64);
  CHECK(spec->network == sandbox::Network::kLoopback);
  REQUIRE(spec->metrics.size() == 1);
  CHECK(spec->metrics[0].name == "rate");
  CHECK(spec->metrics[0].unit == "op/s");
  CHECK(spec->metrics[0].from_stderr);
  REQUIRE(spec->versions.size() == 1);
  CHECK(spec->versions[0].second == std::vector<std::string>{"sort", "--version"});
  CHECK(spec->text_sha256.size() == 64);
}

TEST_CASE("a minimal spec takes the defaults", "[bench]") {
  BenchDefaults d;
  auto spec = ParseBenchSpec("name = \"t\"\ncommand = \"true\"\n", "t.toml", "/", d);
  REQUIRE(spec.ok());
  CHECK(spec->command == std::vector<std::string>{"/bin/sh", "-c", "true"});
  CHECK(spec->repetitions == d.repetitions);
  CHECK(spec->warmups == 0);
  CHECK(spec->limits.wall_seconds == d.timeout_seconds);
  CHECK(spec->limits.memory_bytes == d.memory_mb << 20);
  CHECK(spec->network == sandbox::Network::kNone);
}

TEST_CASE("bad specs are refused with one sentence naming the problem", "[bench]") {
  auto err = [](const char* text) { return ParseBenchSpec(text, "b.toml", "/").message(); };
  CHECK(err("command = \"x\"") == "bench spec b.toml: `name` is required");
  CHECK(err("name = \"a\"") == "bench spec b.toml: `command` is required");
  CHECK(err("name = \"a\"\ncommand = []") == "bench spec b.toml: `command` is empty");
  CHECK(err("name = \"a\"\ncommand = [1]") == "bench spec b.toml: `command` must hold only strings");
  CHECK(err("name = \"a\"\ncommand = \"x\"\nrepeat = 3") ==
        "bench spec b.toml: unknown key `repeat` (known: command, env, files, limits, metrics, "
        "name, network, repetitions, setup, timeout, versions, warmups)");
  CHECK(err("name = \"a\"\ncommand = \"x\"\n[limits]\nmemory = 3") ==
        "bench spec b.toml: unknown key `limits.memory` (known: cpu_seconds, file_size_mb, "
        "memory_mb, open_files, output_bytes, processes, tmpfs_mb)");
  CHECK(err("name = \"a\"\ncommand = \"x\"\nrepetitions = 0") ==
        "bench spec b.toml: `repetitions` must be between 1 and 100");
  CHECK(err("name = \"a\"\ncommand = \"x\"\ntimeout = \"5\"") ==
        "bench spec b.toml: `timeout` must be a number");
  CHECK(err("name = \"a\"\ncommand = \"x\"\nnetwork = \"host\"") ==
        "bench spec b.toml: `network` must be \"none\" or \"loopback\"");
  CHECK(err("name = \"a\"\ncommand = \"x\"\n[[metrics]]\nname = \"m\"\nregex = \"[0-9]+\"") ==
        "bench spec b.toml: metric `m`: the regex needs a capture group for the number");
  CHECK(err("name = \"a\"\ncommand = \"x\"\n[[metrics]]\nname = \"wall\"\nregex = \"([0-9]+)\"") ==
        "bench spec b.toml: metric name `wall` is reserved");
  CHECK(err("name = \"a\"\ncommand = ") .rfind("bench spec b.toml: line 2: ", 0) == 0);
}

TEST_CASE("a spec file that cannot be read is reported as not found", "[bench]") {
  auto spec = LoadBenchSpec("/nonexistent/spec.toml");
  REQUIRE_FALSE(spec.ok());
  CHECK(spec.code() == ErrorCode::kNotFound);
  CHECK(spec.message() == "bench spec /nonexistent/spec.toml cannot be read");
}

TEST_CASE("commands are shown quoted where a shell would need it", "[bench]") {
  CHECK(CommandLine({"sort", "-n", "in file.txt"}) == "sort -n 'in file.txt'");
  CHECK(CommandLine({"sh", "-c", "echo it's"}) == "sh -c 'echo it'\\''s'");
}

}  // namespace intern::tools
