#include "tools/http/sse_parser.h"

#include <catch2/catch.hpp>

namespace intern::tools {
namespace {

// An Anthropic-style stream (event + data lines, CRLF, a ping comment, a retry) followed by an
// OpenAI-style one (data only, LF, [DONE]); data carries "é", "→" and an emoji.
const std::string kStream =
    "\xEF\xBB\xBF"
    ": ping\r\n"
    "retry: 2500\r\n"
    "\r\n"
    "event: message_start\r\n"
    "data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\"}}\r\n"
    "\r\n"
    "event: content_block_delta\r\n"
    "id: 7\r\n"
    "data: {\"type\":\"content_block_delta\",\"delta\":{\"text\":\"caf\xC3\xA9 \xE2\x86\x92 \xF0\x9F\x9A\x80\"}}\r\n"
    "\r\n"
    ": keep-alive\n"
    "data: {\"choices\":[{\"delta\":{\"content\":\"line one\"}}]}\n"
    "data: {\"second\":\"line\"}\n"
    "\n"
    "data:no-space\n"
    "data:  two-spaces\n"
    "\n"
    "event: ignored-without-data\n"
    "\n"
    "data: [DONE]\n"
    "\n";

std::vector<SseEvent> Expected() {
  SseEvent start{"message_start",
                 R"({"type":"message_start","message":{"id":"msg_1"}})", "", std::nullopt};
  SseEvent delta{"content_block_delta",
                 "{\"type\":\"content_block_delta\",\"delta\":{\"text\":\"caf\xC3\xA9 "
                 "\xE2\x86\x92 \xF0\x9F\x9A\x80\"}}",
                 "7", std::nullopt};
  SseEvent openai{"message",
                  "{\"choices\":[{\"delta\":{\"content\":\"line one\"}}]}\n{\"second\":\"line\"}",
                  "7", std::nullopt};
  SseEvent spaces{"message", "no-space\n two-spaces", "7", std::nullopt};
  SseEvent done{"message", "[DONE]", "7", std::nullopt};
  return {start, delta, openai, spaces, done};
}

std::vector<SseEvent> FeedPieces(const std::vector<std::string_view>& pieces, SseParser& parser) {
  std::vector<SseEvent> events;
  for (std::string_view piece : pieces) {
    Status s = parser.Feed(piece, events);
    REQUIRE(s.ok());
  }
  return events;
}

TEST_CASE("the SSE parser reads a realistic mixed stream into exact events") {
  SseParser parser;
  Result<std::vector<SseEvent>> events = parser.Feed(kStream);
  REQUIRE(events.ok());
  CHECK(*events == Expected());
  CHECK(parser.comment_count() == 2);
  CHECK(parser.reconnection_time() == 2500);
  CHECK(parser.last_event_id() == "7");
  CHECK(parser.Finish().ok());
}

TEST_CASE("the SSE parser gives identical events for the stream split at every byte position") {
  for (std::size_t cut = 0; cut <= kStream.size(); ++cut) {
    SseParser parser;
    std::string_view all = kStream;
    std::vector<SseEvent> events = FeedPieces({all.substr(0, cut), all.substr(cut)}, parser);
    INFO("split at byte " << cut);
    REQUIRE(events == Expected());
    REQUIRE(parser.comment_count() == 2);
    REQUIRE(parser.Finish().ok());
  }
}

TEST_CASE("the SSE parser gives identical events when fed one byte at a time") {
  SseParser parser;
  std::vector<std::string_view> bytes;
  std::string_view all = kStream;
  for (std::size_t i = 0; i < all.size(); ++i) bytes.push_back(all.substr(i, 1));
  CHECK(FeedPieces(bytes, parser) == Expected());
  CHECK(parser.reconnection_time() == 2500);
  CHECK(parser.Finish().ok());
}

TEST_CASE("the SSE parser accepts CR-only line endings, also with CR and LF fed apart") {
  const std::string stream = "event: a\rdata: 1\rdata: 2\r\rdata: 3\r\r";
  const std::vector<SseEvent> expected{{"a", "1\n2", "", std::nullopt},
                                       {"message", "3", "", std::nullopt}};
  SseParser whole;
  CHECK(*whole.Feed(stream) == expected);
  // "\r" then "\n" in the next Feed is one line end, not two (which would dispatch early).
  SseParser split;
  CHECK(FeedPieces({"data: x\r", "\ndata: y\r", "\n\r", "\n"}, split) ==
        std::vector<SseEvent>{{"message", "x\ny", "", std::nullopt}});
  CHECK(split.Finish().ok());
}

TEST_CASE("Finish reports a stream truncated inside an event") {
  for (std::string truncated : {"data: {\"partial\":", "data: complete line\n",
                                "event: x\n", "data: a\r\n\r\ndata: b"}) {
    INFO(truncated);
    SseParser parser;
    REQUIRE(parser.Feed(truncated).ok());
    CHECK(parser.pending());
    Status s = parser.Finish();
    REQUIRE_FALSE(s.ok());
    CHECK(s.code() == ErrorCode::kProtocol);
    CHECK(s.message() == "the event stream ended in the middle of an event");
  }
  for (std::string finished : {"", "\xEF\xBB\xBF", "data: a\n\n", ": ping\n", "data: a\r\n\r"}) {
    INFO(finished);
    SseParser parser;
    REQUIRE(parser.Feed(finished).ok());
    CHECK_FALSE(parser.pending());
    CHECK(parser.Finish().ok());
  }
}

TEST_CASE("retry is taken only when it is all ASCII digits") {
  SseParser parser;
  auto events = parser.Feed(
      "retry: 1500\ndata: a\n\n"
      "retry: 15x\ndata: b\n\n"
      "retry:\ndata: c\n\n"
      "retry: -3\ndata: d\n\n"
      "retry: 99999999999999999999\ndata: e\n\n"
      "retry:700\ndata: f\n\n");
  REQUIRE(events.ok());
  REQUIRE(events->size() == 6);
  CHECK((*events)[0].retry == 1500);
  CHECK((*events)[1].retry == std::nullopt);
  CHECK((*events)[2].retry == std::nullopt);
  CHECK((*events)[3].retry == std::nullopt);
  CHECK((*events)[4].retry == std::nullopt);
  CHECK((*events)[5].retry == 700);
  CHECK(parser.reconnection_time() == 700);
}

TEST_CASE("a field without a colon has an empty value and an id persists across events") {
  SseParser parser;
  auto events = parser.Feed(
      "data\ndata\n\n"      // two empty data lines: data is "\n"
      "id: 42\ndata: x\n\n"
      "data: y\n\n"
      "id\ndata: z\n\n"     // an empty id resets the last event id
      "data\n\n");          // one empty data line dispatches an event with empty data
  REQUIRE(events.ok());
  CHECK(*events == std::vector<SseEvent>{{"message", "\n", "", std::nullopt},
                                         {"message", "x", "42", std::nullopt},
                                         {"message", "y", "42", std::nullopt},
                                         {"message", "z", "", std::nullopt},
                                         {"message", "", "", std::nullopt}});
}

TEST_CASE("a BOM is ignored only at the very start of the stream") {
  SseParser parser;
  auto events = parser.Feed("\xEF\xBB\xBF" "data: 1\n\n\xEF\xBB\xBF" "data: 2\n\n");
  REQUIRE(events.ok());
  // The second BOM makes a field named "\xEF\xBB\xBFdata", which is unknown and ignored.
  CHECK(*events == std::vector<SseEvent>{{"message", "1", "", std::nullopt}});
}

TEST_CASE("an event larger than the bound fails with kTooLarge, then every call fails") {
  SseParser parser(SseParserOptions{16});
  REQUIRE(parser.Feed("data: 0123456789\n\n").ok());  // a 16-byte line is within the bound
  std::vector<SseEvent> events;
  Status s = parser.Feed("data: 0123456789\ndata: 0123", events);
  REQUIRE_FALSE(s.ok());
  CHECK(events.empty());
  CHECK(s.code() == ErrorCode::kTooLarge);
  CHECK(s.message() == "an event-stream event exceeded 16 bytes");
  CHECK(parser.Feed("\n\n").message() == "an event-stream event exceeded 16 bytes");
  CHECK(parser.Finish().code() == ErrorCode::kTooLarge);

  // An endless line without a terminator is caught too.
  SseParser endless(SseParserOptions{16});
  CHECK(endless.Feed(std::string(10, 'x')).ok());
  CHECK(endless.Feed(std::string(10, 'x')).code() == ErrorCode::kTooLarge);
}

}  // namespace
}  // namespace intern::tools
