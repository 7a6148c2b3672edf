// Helpers shared by the protocol tests over real sockets (server_test.cc and the *_e2e_test.cc
// files): a second agent, a visitor's conversation state, an expected error frame.
#pragma once

#include <gtest/gtest.h>

#include <curl/curl.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "tests/defects_helpers.h"
#include "tests/harness.h"

namespace tiski::testing {

// A second agent of the demo tenant, with the given capacity.
inline void add_agent(const Server& srv, const std::string& email, int max_chats) {
  ASSERT_EQ(srv.admin({"agent", "create", "--email", email, "--name", "Bertta Berg", "--password", "demo1234",
                       "--tenant", "eramaa", "--max-chats", std::to_string(max_chats)}),
            0);
}

inline std::string conv_status_of(WsClient& ws, std::int64_t* conv = nullptr, std::string* agent = nullptr) {
  auto f = ws.recv_type("conv");
  if (!f) return "none";
  auto c = f->at("conv").as_object();
  if (conv) *conv = c.at("id").as_int64();
  if (agent && c.contains("agent")) *agent = std::string(c.at("agent").as_string());
  return std::string(c.at("status").as_string());
}

// Every acknowledged message (`acked`, by client id) of the visitor's one conversation is stored
// exactly once, with sequence numbers without a gap (the fault tests).
inline void expect_stored_once(const Server& srv, std::int64_t visitor, const std::set<std::string>& acked) {
  auto st = srv.open_store();
  auto convs = st->conversations_of_visitor(visitor, 10);
  ASSERT_TRUE(convs.ok()) << convs.error().message;
  ASSERT_EQ(convs->size(), 1u);
  auto msgs = st->messages_after(convs->front().id, 0, 1000);
  ASSERT_TRUE(msgs.ok()) << msgs.error().message;
  std::map<std::string, int> stored;
  std::int64_t seq = msgs->empty() ? 0 : msgs->front().seq;
  for (const auto& m : *msgs) {
    EXPECT_EQ(m.seq, seq++) << "a gap in the sequence";
    if (!m.cid.empty()) ++stored[m.cid];
  }
  for (const auto& cid : acked) EXPECT_EQ(stored[cid], 1) << cid;
  EXPECT_EQ(stored.size(), acked.size()) << "a message stored that was never acknowledged";
}

inline std::string expect_error(WsClient& ws, const boost::json::object& frame) {
  ws.send(frame);
  auto e = ws.recv_type("error");
  EXPECT_TRUE(e) << boost::json::serialize(frame);
  return e ? std::string(e->at("code").as_string()) + ": " + std::string(e->at("message").as_string()) : "";
}

// Debian's python3-aiosmtpd as a real SMTP server on 127.0.0.1 (tests/smtp_sink.py): stores
// each accepted message as DIR/NNN.eml; reject@ gets 550, tempfail-N@ gets 451 N times.
class SmtpSink : public SinkProcess {
 public:
  SmtpSink() : SinkProcess("smtp_sink.py", "smtp") {}
  // The messages received so far, in order.
  std::vector<std::string> messages() const {
    std::vector<std::string> out;
    for (int i = 1;; ++i) {
      char name[16];
      std::snprintf(name, sizeof name, "%03d.eml", i);
      std::ifstream in(dir() / name);
      if (!in) return out;
      out.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
  }
  // Waits until the sink holds `n` messages (or 10 s); returns them.
  std::vector<std::string> wait_for(std::size_t n) const {
    for (int i = 0; i < 200 && messages().size() < n; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return messages();
  }
  std::string config() const {
    return "[smtp]\nurl = \"smtp://127.0.0.1:" + std::to_string(port) +
           "\"\ntls = \"none\"\nfrom = \"asiakaspalvelu@eramaa.example\"\nretry_seconds = 1\nmax_attempts = 3\n";
  }
};

// Debian's Dovecot as a real IMAP server on 127.0.0.1 (tests/imap_server.py): users support and
// other, password "secret"; append() delivers a message as a mail server would.
class ImapServer : public SinkProcess {
 public:
  ImapServer() : SinkProcess("imap_server.py", "imap") {}
  std::string url(const std::string& mailbox = "INBOX") const {
    return "imap://127.0.0.1:" + std::to_string(port) + "/" + mailbox;
  }
  // IMAP APPEND of `raw` (CRLF line ends) to the user's INBOX; true when the server took it.
  bool append(const std::string& raw, const std::string& user = "support") const {
    struct Source {
      const std::string* data;
      std::size_t at = 0;
    } src{&raw};
    CURL* c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, url().c_str());
    curl_easy_setopt(c, CURLOPT_USERNAME, user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, "secret");
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(raw.size()));
    curl_easy_setopt(c, CURLOPT_READDATA, &src);
    curl_easy_setopt(
        c, CURLOPT_READFUNCTION, +[](char* out, std::size_t size, std::size_t n, void* user) {
          auto* s = static_cast<Source*>(user);
          std::size_t k = std::min(size * n, s->data->size() - s->at);
          std::memcpy(out, s->data->data() + s->at, k);
          s->at += k;
          return k;
        });
    CURLcode rc = curl_easy_perform(c);
    curl_easy_cleanup(c);
    return rc == CURLE_OK;
  }
  static std::string config(int poll_seconds = 1, int batch = 50) {
    return "[imap]\npoll_seconds = " + std::to_string(poll_seconds) + "\nbatch = " + std::to_string(batch) +
           "\nallow_private = true\n";
  }
};

// Sends only a request's header — `request_line` ("POST /path") and `headers` ("Name: value" lines
// joined by CRLF, with a Content-Length of their own) — and reads the answer's status: for limits
// that must answer before a body is read.
// A plain TCP connection to the server (-1 if refused); reads time out after 10 s.
inline int connect_to(const Server& srv) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(srv.port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

inline int status_of_header_only(const Server& srv, const std::string& request_line, const std::string& headers) {
  int fd = connect_to(srv);
  if (fd < 0) return -1;
  std::string req = request_line + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + "\r\n\r\n";
  ::send(fd, req.data(), req.size(), MSG_NOSIGNAL);
  std::string got;
  char buf[512];
  for (ssize_t n; got.find("\r\n") == std::string::npos && (n = ::recv(fd, buf, sizeof buf, 0)) > 0;)
    got.append(buf, n);
  ::close(fd);
  return got.starts_with("HTTP/1.1 ") ? std::stoi(got.substr(9, 3)) : -1;
}

// `s` with CRLF line ends, as an email travels.
inline std::string crlf(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

// A header's value in an email with CRLF line ends ("" when absent).
inline std::string header_of(const std::string& eml, const std::string& name) {
  auto at = eml.find("\r\n" + name + ": ");
  if (at == std::string::npos) return {};
  at += name.size() + 4;
  return eml.substr(at, eml.find("\r\n", at) - at);
}

// Matti leaves a message in the form (matti@example.fi) and Aino answers it: the conversation,
// Aino's console and the Message-ID of the email her answer became ("" if none came).
struct AnsweredForm {
  std::int64_t conv = 0;
  std::unique_ptr<WsClient> agent;
  std::unique_ptr<Visitor> visitor;
  std::string message_id;
};
inline AnsweredForm answered_form(const Server& srv, const SmtpSink& sink) {
  AnsweredForm f;
  f.visitor = visitor(srv, srv.site_a);
  f.visitor->ws.send(boost::json::object{{"t", "leave"},
                                         {"cid", "l1"},
                                         {"name", "Matti"},
                                         {"email", "matti@example.fi"},
                                         {"consent", true},
                                         {"body", "Onko Vaellus 2 varastossa?"}});
  f.conv = ack_conv(f.visitor->ws, "l1");
  f.agent = agent(srv, "agentti@eramaa.demo");
  f.agent->send({{"t", "send"}, {"conv", f.conv}, {"cid", "r1"}, {"body", "On! Lähetämme tänään."}});
  ack_seq(*f.agent, "r1");
  auto sent = sink.wait_for(1);
  if (!sent.empty()) f.message_id = header_of(sent[0], "Message-ID");
  return f;
}

inline std::string decode_b64(std::string_view in) {
  static const std::string kAlpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned buf = 0;
  int bits = 0;
  for (char c : in) {
    auto p = kAlpha.find(c);
    if (p == std::string::npos) continue;
    buf = (buf << 6) | static_cast<unsigned>(p);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buf >> bits) & 0xFF);
    }
  }
  return out;
}

}  // namespace tiski::testing
