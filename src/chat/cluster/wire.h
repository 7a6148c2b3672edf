// The cluster's wire format for domain events (docs/scaling.md): a job's events as one JSON
// array, each event `[index in events::Event, {its fields}]`. The fields are listed once, in
// wire.cc (Boost.Describe), and a record or event that gains a field fails to compile there
// until the field is listed too. What only the node that made the change can use (the sender's
// session of a message) is not sent.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <vector>

#include "chat/core/events.h"
#include "util/error.h"

namespace tiski::cluster {

boost::json::array encode(const std::vector<events::Event>& list);
Result<std::vector<events::Event>> decode(const boost::json::value& v);

// A block (an admin's command that closes sockets on every node).
boost::json::value block_json(const Block& b);
Result<Block> block_of(const boost::json::value& v);

}  // namespace tiski::cluster
