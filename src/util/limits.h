// Every size, count and rate limit of Tiski, in one place. Each one is tested
// (see tests/server_test.cc and the unit tests that name it).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <thread>

namespace tiski::limits {

// A chat message body, in bytes of UTF-8 after trimming. Longer: error too_large, connection stays.
inline constexpr std::size_t kMaxMessageBytes = 4000;
// A whole WebSocket frame. Longer: the socket is closed with 1009 (message too big).
inline constexpr std::size_t kMaxFrameBytes = 16 * 1024;
// JSON nesting of a client frame (frames need 3 levels); deeper: bad_request naming the limit.
inline constexpr int kMaxJsonDepth = 10;
// A client message id (cid).
inline constexpr std::size_t kMaxCidBytes = 64;
// A cart the page reports: value in minor units and item count; beyond: bad_request.
inline constexpr std::int64_t kMaxCartCents = 100'000'000'000;
inline constexpr std::int64_t kMaxCartItems = 100'000;
// Page URL and title as reported by the widget; longer ones are cut, not refused.
inline constexpr std::size_t kMaxUrlBytes = 2048;
inline constexpr std::size_t kMaxTitleBytes = 300;
// A page's product category and each UTM parameter; longer ones are cut.
inline constexpr std::size_t kMaxCategoryBytes = 100;
// An HTTP request body (REST), and the header block.
inline constexpr std::size_t kMaxHttpBodyBytes = 64 * 1024;
inline constexpr std::size_t kMaxHttpHeaderBytes = 8 * 1024;

// Chat messages one visitor (all their tabs together) or one agent connection may send: a
// token bucket of this burst refilled at this rate; beyond: rate_limited for that message.
inline constexpr double kMessagesPerSecond = 5.0;
inline constexpr double kMessageBurst = 10.0;
// Conversations one visitor may start (send, leave-a-message form), across tabs.
inline constexpr double kVisitorConversationsPerSecond = 1.0 / 30;
inline constexpr double kVisitorConversationBurst = 3.0;

// Per client address (IPv4, or the /64 of IPv6; behind a trusted proxy the address it names in
// X-Forwarded-For). Addresses listed in [limits] unlimited are exempt (load tests).
// Open WebSockets: beyond it the upgrade is answered 429.
inline constexpr std::size_t kMaxConnectionsPerAddress = 100;
// hello frames (page loads and reconnects), of which new visitors (hello without a valid token,
// each stores a visitor row), new conversations, and chat messages: token buckets as above.
inline constexpr double kHellosPerSecondPerAddress = 5.0;
inline constexpr double kHelloBurstPerAddress = 100.0;
inline constexpr double kNewVisitorsPerSecondPerAddress = 1.0;
inline constexpr double kNewVisitorBurstPerAddress = 30.0;
inline constexpr double kConversationsPerSecondPerAddress = 0.2;
inline constexpr double kConversationBurstPerAddress = 20.0;
inline constexpr double kMessagesPerSecondPerAddress = 20.0;
inline constexpr double kMessageBurstPerAddress = 100.0;
// Page views (`page` frames: each stores a row and updates the consoles' live list), per visitor
// across their tabs and per address; a shopper opens a page every few seconds at most.
inline constexpr double kPageViewsPerSecond = 0.5;
inline constexpr double kPageViewBurst = 20.0;
inline constexpr double kPageViewsPerSecondPerAddress = 10.0;
inline constexpr double kPageViewBurstPerAddress = 200.0;
// Open HTTP connections per client address (not WebSockets: those have their own limits), so
// that one address cannot hold every descriptor; over it the connection is answered 429.
inline constexpr std::size_t kMaxHttpConnectionsPerAddress = 256;
// Files sent (docs/attachments.md), per address and per visitor: how many, and how many bytes
// (a megabyte a token; a file takes its size rounded up).
inline constexpr double kUploadsPerSecond = 1.0 / 30;
inline constexpr double kUploadBurst = 20.0;
inline constexpr double kUploadMegabytesPerSecond = 0.2;
inline constexpr double kUploadMegabyteBurst = 100.0;
// Addresses and visitors tracked for those limits; idle entries (full buckets, no connection)
// are forgotten every minute, and beyond this many new addresses are refused as unavailable.
inline constexpr std::size_t kMaxTrackedAddresses = 200'000;
// Any frames (typing, ping, ...) a connection may send, same scheme; beyond: error then close.
inline constexpr double kFramesPerSecond = 30.0;
inline constexpr double kFrameBurst = 60.0;
// Agents are logged-in staff whose console opens (watch) every chat at once on connect.
inline constexpr double kAgentFramesPerSecond = 200.0;
inline constexpr double kAgentFrameBurst = 2000.0;

// Slow consumers. A peer is judged by the backlog it does not drain, not by one frame's size
// (every frame is bounded by the page sizes below): a connection whose oldest queued frame has
// waited this long for the socket to take it is closed (1008 "slow consumer") and counted in
// tiski_slow_consumers_total. The byte and frame caps only bound memory for a peer that keeps
// being sent more than it reads; a reading peer never gets near them.
inline constexpr auto kSendStallTimeout = std::chrono::seconds(10);
inline constexpr std::size_t kMaxSendQueueBytes = 8 * 1024 * 1024;
inline constexpr std::size_t kMaxSendQueueFrames = 65536;

// Paging: nothing a client asks for grows with the data behind it.
// Messages in a history, welcome or older frame (the newest first; earlier ones on request).
inline constexpr std::size_t kHistoryPage = 50;
// Conversations in one list frame (waiting, inbox, mine, others, closed) and in the snapshot.
inline constexpr std::size_t kListPage = 50;
// The console's list of closed conversations reaches back this far.
inline constexpr auto kClosedListAge = std::chrono::hours(24 * 7);
// Live visitors per visitors frame, and page views of each in the list (the chat's context
// panel shows the whole path).
inline constexpr std::size_t kLiveVisitorsPerFrame = 50;
inline constexpr std::size_t kLivePathInList = 3;
// Queue entries per REST page (GET /api/tenants/{id}/queue?offset=).
inline constexpr std::size_t kQueuePage = 200;

// The kernel send buffer of a WebSocket (Linux doubles it). Fixed rather than autotuned up to
// 4 MiB, so that a peer that stops reading shows up in our bounded queue quickly.
inline constexpr int kSocketSendBuffer = 64 * 1024;

// Freed memory is given back to the system (malloc_trim) when more than this is free inside
// the allocator's arenas, checked every this many seconds (docs/performance.md, "Memory returned").
inline constexpr std::size_t kTrimSlackBytes = 16 * 1024 * 1024;
inline constexpr int kTrimEverySeconds = 10;

// Messages one conversation may hold; beyond it sends get too_large. History and welcome
// frames therefore always carry everything a client missed (at most this many messages).
inline constexpr std::int64_t kMaxMessagesPerConversation = 5000;

// Concurrent chats one agent may be given (their own capacity or a tenant default), 1..this.
inline constexpr int kMaxChatsPerAgent = 50;
// The chat lifecycle settings per tenant (missed after, idle close), 0 (never)..this.
inline constexpr int kMaxLifecycleSeconds = 7 * 24 * 3600;

// Leave-a-message form: an email address (RFC 5321: 254 octets, local part 64) and a name.
inline constexpr std::size_t kMaxEmailBytes = 254;
// A password at login (Argon2id hashes any length; this bounds the work an attacker can ask for).
inline constexpr std::size_t kMaxPasswordBytes = 1024;
inline constexpr std::size_t kMaxEmailLocalBytes = 64;
inline constexpr std::size_t kMaxNameBytes = 100;

// Email replies: how many due mails the mailer takes per round, and how long one SMTP
// transaction may take before it counts as a failed attempt.
inline constexpr std::size_t kMailBatch = 16;
// At start-up, replies of the last week whose email was never queued are queued, this many.
inline constexpr std::size_t kMailRecoverBatch = 1000;
inline constexpr auto kSmtpTimeout = std::chrono::seconds(30);

// Proactive rules of one site, an invitation text, and the stored JSON of a site's rules.
inline constexpr std::size_t kMaxRules = 50;
inline constexpr std::size_t kMaxInvitationBytes = 500;
// The launcher's text ("Chat with us") per language: one short line.
inline constexpr std::size_t kMaxLauncherBytes = 40;
// How far above its corner's usual place a site's widget may sit (px).
inline constexpr int kMaxLauncherLift = 400;
// A site's list of the pages' origins its widget may run on (docs/admin.md).
inline constexpr std::size_t kMaxSiteOrigins = 20;
inline constexpr std::size_t kMaxOriginBytes = 200;
// Members of one team (a REST call sets the whole list).
inline constexpr std::size_t kMaxTeamMembers = 500;
// The size of a workspace: client companies (tenants), and per company its sites, teams and
// agents. The console's snapshot lists every company, team and colleague of its agent, and an
// admin's lists are not paged: these bound them (a hundred client companies is the aim).
inline constexpr std::int64_t kMaxTenants = 1000;
inline constexpr std::int64_t kMaxSitesPerTenant = 100;
inline constexpr std::int64_t kMaxTeamsPerTenant = 100;
inline constexpr std::int64_t kMaxAgentsPerTenant = 1000;
inline constexpr std::size_t kMaxRulesJsonBytes = 32 * 1024;

// The live visitor list: entries sent to a console at once, page views kept per visitor, and
// how long a visitor without an open tab still counts as present (page loads reconnect).
inline constexpr std::size_t kMaxLiveVisitors = 200;
inline constexpr std::size_t kMaxLivePath = 10;
inline constexpr std::int64_t kVisitorGoneMs = 10'000;
// A visitor's conversation that ended this long ago or less is shown again on their next page
// (the welcome's `ended`): what the agent said stays readable for the rest of the visit.
inline constexpr std::int64_t kEndedShownMs = 30 * 60'000;
// Visitor context beside a chat: page views and earlier conversations shown.
inline constexpr std::size_t kContextPath = 20;
inline constexpr std::size_t kContextEarlier = 10;

// Reports: the longest period one report covers, and the most open conversations (measured at
// report time) or status changes it reads (beyond that the request is refused with a message
// to choose a shorter period). Closed ones come from the daily rollups (src/reports/).
inline constexpr int kMaxReportDays = 731;
inline constexpr std::size_t kMaxReportConversations = 200'000;

// Outcomes and tags (analytics): tags per conversation, their length, the tenant's tag list,
// the channel a redirected visitor was sent to.
inline constexpr std::size_t kMaxTagsPerConversation = 10;
inline constexpr std::size_t kMaxTagBytes = 40;
inline constexpr std::size_t kMaxTagsPerTenant = 500;
inline constexpr std::size_t kMaxChannelBytes = 40;
// The satisfaction survey's comment, and how long after the first answer the visitor may still
// change the score or add the comment (a star counts when clicked; the comment comes after it).
inline constexpr std::size_t kMaxCsatCommentBytes = 1000;
inline constexpr std::int64_t kCsatReviseMs = 30 * 60 * 1000;
// Conversions: the shop's order id, the largest value (10 million in the currency's major
// unit), the attribution window in days, the server-to-server signature's replay window.
inline constexpr std::size_t kMaxOrderIdBytes = 100;
inline constexpr std::int64_t kMaxConversionCents = 1'000'000'000;
inline constexpr int kMinAttributionDays = 1;
inline constexpr int kMaxAttributionDays = 30;
inline constexpr std::int64_t kSignatureWindowMs = 5 * 60'000;
// Proactive holdout: the largest share of invitations a site may hold out.
inline constexpr int kMaxHoldoutPercent = 50;

// Storage: how many jobs one group commit may hold.
inline constexpr std::size_t kMaxBatchJobs = 1024;
// Storage: jobs waiting for the store thread; beyond this, requests get "unavailable".
inline constexpr std::size_t kMaxStoreQueue = 100000;

// The closing handshake: how long the peer has to answer our close frame.
inline constexpr auto kHandshakeTimeout = std::chrono::seconds(15);
// WebSocket idle: the server pings after this much silence and drops the peer after twice it.
inline constexpr auto kIdleTimeout = std::chrono::seconds(60);
// HTTP keep-alive connections idle longer are closed.
inline constexpr auto kHttpIdleTimeout = std::chrono::seconds(30);
// A request whose large body is allowed (an upload, an email: with valid credentials) has this
// long for the body and its answer.
inline constexpr auto kHttpLargeBodyTimeout = std::chrono::minutes(5);
// After an answer sent before a request's body was read (413, or 401 for a large upload without
// valid credentials): how long and how much of the rest is read and dropped before the socket
// closes, so that the client reads the answer rather than a reset.
inline constexpr auto kHttpLingerTime = std::chrono::seconds(2);
inline constexpr std::size_t kMaxHttpLingerBytes = 32 * 1024 * 1024;
// Network I/O threads ([server] io_threads): at most this many.
inline constexpr int kMaxIoThreads = 64;
// The I/O threads a configured count means: -1 (the default) one per core; at most kMaxIoThreads.
inline int io_threads_for(int configured) {
  int n = configured >= 0 ? configured : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return std::min(n, kMaxIoThreads);
}
// Webhooks: one POST ([webhooks] timeout_seconds, default 10) may take at most this long.
inline constexpr int kMaxWebhookTimeoutSeconds = 60;
// Graceful shutdown: how long in-flight work may drain before the process exits anyway.
inline constexpr auto kDrainTimeout = std::chrono::seconds(10);

// Agent sessions live this long.
inline constexpr auto kSessionLifetime = std::chrono::hours(24 * 14);
// Failed logins (chat/login_limits.h): per email and per address within the window; how
// many emails and addresses are remembered at most (each kind).
inline constexpr auto kLoginWindow = std::chrono::minutes(15);
inline constexpr int kLoginFailuresPerAccount = 10;
inline constexpr int kLoginFailuresPerIp = 50;
inline constexpr std::size_t kLoginTracked = 100'000;
// Blocked visitors: active blocks per tenant (more are refused until some expire or are lifted),
// and over the workspace as loaded at start; how long a block may last (0 = until lifted).
inline constexpr std::size_t kMaxBlocksPerTenant = 10'000;
inline constexpr std::size_t kMaxActiveBlocks = 1'000'000;
inline constexpr int kMaxBlockHours = 24 * 366;
inline constexpr std::size_t kMaxBlockReason = 200;
// A session remembers this much of the browser's User-Agent (the agent's list of sessions).
inline constexpr std::size_t kMaxUserAgent = 200;

// Typing indicators are relayed at most this often per connection and conversation.
inline constexpr auto kTypingInterval = std::chrono::milliseconds(500);

// The preview of a conversation's latest message in the console's lists, in bytes (cut at a
// UTF-8 boundary, with an ellipsis).
inline constexpr std::size_t kPreviewBytes = 140;

// Queue positions: visitors this near the front hear every change of their position; those
// further back at most this often (milliseconds), as it changes with every assignment ahead.
inline constexpr int kQueueNearFront = 10;
inline constexpr std::int64_t kQueueDeepAnnounceMs = 10'000;

// The agent's desk (docs/desk.md): canned answers per tenant (and workspace-wide), a
// shortcut's and a title's length, and a policy card's size; REST pages of canned answers.
inline constexpr std::int64_t kMaxCannedAnswers = 500;
inline constexpr std::size_t kMaxShortcutBytes = 32;
inline constexpr std::size_t kMaxCannedTitleBytes = 100;
inline constexpr std::size_t kCannedPage = 100;
inline constexpr std::size_t kMaxPolicyBytes = 4000;
inline constexpr std::size_t kDeskPage = 50;

}  // namespace tiski::limits
