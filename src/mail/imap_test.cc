#include "mail/imap.h"

#include <gtest/gtest.h>

namespace tiski::mail {
namespace {

TEST(Imap, StatusIsReadInEitherOrder) {
  auto s = parse_status("* STATUS INBOX (UIDNEXT 2 UIDVALIDITY 1796449379)\r\n");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->uidnext, 2);
  EXPECT_EQ(s->uidvalidity, 1796449379);
  s = parse_status("* STATUS \"Tuki x\" (UIDVALIDITY 7 UIDNEXT 4392)\r\n");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->uidnext, 4392);
  EXPECT_EQ(s->uidvalidity, 7);
  EXPECT_FALSE(parse_status("* STATUS INBOX (MESSAGES 3)\r\n"));
  EXPECT_FALSE(parse_status("* OK [UIDVALIDITY 5] UIDNEXT 6\r\n"));  // not a STATUS answer
  EXPECT_FALSE(parse_status(""));
}

TEST(Imap, SizesAreReadPerMessageSortedByUid) {
  auto e = parse_sizes(
      "* 2 FETCH (RFC822.SIZE 200 UID 12)\r\n* 1 FETCH (UID 11 RFC822.SIZE 75)\r\n* 3 FETCH (FLAGS (\\Seen))\r\n"
      "* 4 FETCH (UID x RFC822.SIZE 5)\r\n* OK whatever\r\n");
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].uid, 11);
  EXPECT_EQ(e[0].bytes, 75);
  EXPECT_EQ(e[1].uid, 12);
  EXPECT_EQ(e[1].bytes, 200);
  EXPECT_TRUE(parse_sizes("").empty());
}

TEST(Imap, MailboxUrlsAreCheckedAndCredentialsKeptOut) {
  auto u = parse_mailbox_url("imaps://imap.example.fi", false);
  ASSERT_TRUE(u);
  EXPECT_EQ(u->server, "imaps://imap.example.fi");
  EXPECT_EQ(u->mailbox, "INBOX");
  u = parse_mailbox_url("imap://mail.example.fi:143/Asiakaspalvelu%20FI/", false);
  ASSERT_TRUE(u);
  EXPECT_EQ(u->server, "imap://mail.example.fi:143");
  EXPECT_EQ(u->mailbox, "Asiakaspalvelu FI");
  EXPECT_EQ(u->path, "Asiakaspalvelu%20FI");
  for (const char* bad :
       {"https://imap.example.fi", "imaps://user:pw@imap.example.fi/INBOX", "imaps:///INBOX",
        "imaps://imap.example.fi/IN%22BOX", "imaps://imap.example.fi/a;UID=1", "imaps://imap example.fi/",
        "imaps://localhost/INBOX", "imaps://127.0.0.1:993/INBOX", "imap://[::1]/INBOX",
        "imaps://imap.example.fi/%0d%0aA1 LOGOUT",
        // private and link-local in any spelling (a probe saved imaps://169.254.169.254/)
        "imaps://169.254.169.254/", "imaps://10.0.0.5/INBOX", "imaps://2130706433/", "imaps://192.168.1.10:993/",
        "imaps://LOCALHOST./", "imaps://mail.localhost/", "imaps://[::ffff:127.0.0.1]/", "imaps://[fd00::1]:993/"}) {
    EXPECT_FALSE(parse_mailbox_url(bad, false)) << bad;
  }
  EXPECT_TRUE(parse_mailbox_url("imap://127.0.0.1:1143/INBOX", true));
  EXPECT_FALSE(parse_mailbox_url("imaps://imap.example.fi/" + std::string(600, 'a'), false));
}

TEST(Imap, AnUnreachableServerIsAnError) {
  ImapSession s({"imap://127.0.0.1:1/INBOX", "u", "p", false, 2000});
  auto st = s.status();
  ASSERT_FALSE(st);  // refused as private before any connection
  ImapSession open({"imap://127.0.0.1:1/INBOX", "u", "p", true, 2000});
  auto st2 = open.status();
  ASSERT_FALSE(st2);
  EXPECT_EQ(st2.error().code, Errc::kUnavailable);
}

}  // namespace
}  // namespace tiski::mail
