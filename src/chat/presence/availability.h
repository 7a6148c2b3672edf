// An agent's availability: what the presence module decides and routing reads. A value type
// with no dependencies, so that routing's pure policy can use it without the presence module.
#pragma once

namespace tiski {

enum class Availability { kOffline, kAway, kOnline };

}  // namespace tiski
