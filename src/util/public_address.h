// Whether an address is one a connection made on a tenant's behalf (a webhook, an IMAP mailbox)
// may not reach: loopback, private, link-local, multicast, and IPv4 inside IPv6 of those kinds.
// Checked on the resolved address when the socket is opened, so DNS cannot smuggle one in.
//
// Threading: pure.
#pragma once

#include <sys/socket.h>

#include <string>

namespace tiski {

// An IPv4/IPv6 address in text form; false for anything that is not an address.
bool is_private_address(const std::string& ip);
// A resolved socket address; true for families other than IPv4/IPv6.
bool is_private_sockaddr(const sockaddr* sa);

}  // namespace tiski
