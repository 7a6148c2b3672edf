// Every size, count and rate limit of Tiski, in one place. Each one is tested
// (see tests/server_test.cc and the unit tests that name it).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace tiski::limits {

// A chat message body, in bytes of UTF-8 after trimming. Longer: error too_large, connection stays.
inline constexpr std::size_t kMaxMessageBytes = 4000;
// A whole WebSocket frame. Longer: the socket is closed with 1009 (message too big).
inline constexpr std::size_t kMaxFrameBytes = 16 * 1024;
// A client message id (cid).
inline constexpr std::size_t kMaxCidBytes = 64;
// Page URL and title as reported by the widget; longer ones are cut, not refused.
inline constexpr std::size_t kMaxUrlBytes = 2048;
inline constexpr std::size_t kMaxTitleBytes = 300;
// A page's product category and each UTM parameter; longer ones are cut.
inline constexpr std::size_t kMaxCategoryBytes = 100;
// An HTTP request body (REST), and the header block.
inline constexpr std::size_t kMaxHttpBodyBytes = 64 * 1024;
inline constexpr std::size_t kMaxHttpHeaderBytes = 8 * 1024;

// Chat messages a connection may send: a token bucket of this burst refilled at this rate.
inline constexpr double kMessagesPerSecond = 5.0;
inline constexpr double kMessageBurst = 10.0;
// Any frames (typing, ping, ...) a connection may send, same scheme; beyond: error then close.
inline constexpr double kFramesPerSecond = 30.0;
inline constexpr double kFrameBurst = 60.0;
// Agents are logged-in staff whose console opens (watch) every chat at once on connect.
inline constexpr double kAgentFramesPerSecond = 200.0;
inline constexpr double kAgentFrameBurst = 2000.0;

// Outgoing bytes queued for one connection. A consumer that falls this far behind is
// disconnected (close 1008 "slow consumer") and counted in tiski_slow_consumers_total.
inline constexpr std::size_t kMaxSendQueueBytes = 1024 * 1024;
inline constexpr std::size_t kMaxSendQueueFrames = 4096;

// The kernel send buffer of a WebSocket (Linux doubles it). Fixed rather than autotuned up to
// 4 MiB, so that a peer that stops reading shows up in our bounded queue quickly.
inline constexpr int kSocketSendBuffer = 64 * 1024;

// Messages one conversation may hold; beyond it sends get too_large. History and welcome
// frames therefore always carry everything a client missed (at most this many messages).
inline constexpr std::int64_t kMaxMessagesPerConversation = 5000;

// Concurrent chats one agent may be given (their own capacity or a tenant default), 1..this.
inline constexpr int kMaxChatsPerAgent = 50;

// Leave-a-message form: an email address (RFC 5321: 254 octets, local part 64) and a name.
inline constexpr std::size_t kMaxEmailBytes = 254;
inline constexpr std::size_t kMaxEmailLocalBytes = 64;
inline constexpr std::size_t kMaxNameBytes = 100;

// Email replies: how many due mails the mailer takes per round, and how long one SMTP
// transaction may take before it counts as a failed attempt.
inline constexpr std::size_t kMailBatch = 16;
inline constexpr auto kSmtpTimeout = std::chrono::seconds(30);

// Proactive rules of one site, an invitation text, and the stored JSON of a site's rules.
inline constexpr std::size_t kMaxRules = 50;
inline constexpr std::size_t kMaxInvitationBytes = 500;
inline constexpr std::size_t kMaxRulesJsonBytes = 32 * 1024;

// The live visitor list: entries sent to a console at once, page views kept per visitor, and
// how long a visitor without an open tab still counts as present (page loads reconnect).
inline constexpr std::size_t kMaxLiveVisitors = 200;
inline constexpr std::size_t kMaxLivePath = 10;
inline constexpr std::int64_t kVisitorGoneMs = 10'000;
// Visitor context beside a chat: page views and earlier conversations shown.
inline constexpr std::size_t kContextPath = 20;
inline constexpr std::size_t kContextEarlier = 10;

// Storage: how many jobs one group commit may hold.
inline constexpr std::size_t kMaxBatchJobs = 1024;
// Storage: jobs waiting for the store thread; beyond this, requests get "unavailable".
inline constexpr std::size_t kMaxStoreQueue = 100000;

// Handshake: time a new connection has to send its HTTP request / first hello.
inline constexpr auto kHandshakeTimeout = std::chrono::seconds(15);
// WebSocket idle: the server pings after this much silence and drops the peer after twice it.
inline constexpr auto kIdleTimeout = std::chrono::seconds(60);
// HTTP keep-alive connections idle longer are closed.
inline constexpr auto kHttpIdleTimeout = std::chrono::seconds(30);
// Graceful shutdown: how long in-flight work may drain before the process exits anyway.
inline constexpr auto kDrainTimeout = std::chrono::seconds(10);

// Agent sessions live this long.
inline constexpr auto kSessionLifetime = std::chrono::hours(24 * 14);

// Typing indicators are relayed at most this often per connection and conversation.
inline constexpr auto kTypingInterval = std::chrono::milliseconds(500);

}  // namespace tiski::limits
