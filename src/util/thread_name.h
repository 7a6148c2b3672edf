// Names the calling thread (shown by top -H, in /proc/PID/task/TID/comm, and read by the
// benchmark to split CPU time per thread). Linux limits names to 15 characters.
#pragma once

#include <pthread.h>

namespace tiski {

inline void name_this_thread(const char* name) { ::pthread_setname_np(::pthread_self(), name); }

}  // namespace tiski
