#include "util/metrics.h"

#include <dirent.h>
#include <malloc.h>

#include <cstdio>
#include <fstream>

namespace tiski {
namespace {
void head(std::string& out, const char* name, const char* help, const char* type) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}
}  // namespace

void Counter::render(std::string& out) const {
  head(out, name_, help_, "counter");
  out += name_;
  out += ' ' + std::to_string(value()) + '\n';
}

void Gauge::render(std::string& out) const {
  head(out, name_, help_, "gauge");
  out += name_;
  out += ' ' + std::to_string(value()) + '\n';
}

void Histogram::observe(double seconds) {
  std::size_t i = 0;
  while (i < kBounds.size() && seconds > kBounds[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<std::uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

void Histogram::render(std::string& out) const {
  head(out, name_, help_, "histogram");
  std::uint64_t cumulative = 0;
  char buf[64];
  for (std::size_t i = 0; i <= kBounds.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    if (i < kBounds.size()) {
      std::snprintf(buf, sizeof buf, "%g", kBounds[i]);
    } else {
      std::snprintf(buf, sizeof buf, "+Inf");
    }
    out += std::string(name_) + "_bucket{le=\"" + buf + "\"} " + std::to_string(cumulative) + '\n';
  }
  std::snprintf(buf, sizeof buf, "%.6f", static_cast<double>(sum_micros_.load(std::memory_order_relaxed)) / 1e6);
  out += std::string(name_) + "_sum " + buf + '\n';
  out += std::string(name_) + "_count " + std::to_string(count()) + '\n';
}

std::string Metrics::render() const {
  std::string out;
  for (const Counter* c :
       {&connections_total, &accept_errors_total, &address_refused_total, &http_requests_total, &messages_total,
        &invitations_total, &invitations_held_out_total, &track_frames_total, &messages_duplicate_total,
        &frames_rejected_total, &slow_consumers_total, &deliveries_total, &store_commits_total, &store_errors_total}) {
    c->render(out);
  }
  for (const Gauge* g : {&ws_visitors, &ws_agents, &store_queue, &cluster_nodes, &cluster_owned}) g->render(out);
  store_commit_seconds.render(out);
  store_wait_seconds.render(out);
  // Process figures, read now.
  long rss_kib = 0;
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) rss_kib = std::stol(line.substr(6));
  }
  head(out, "tiski_resident_memory_bytes", "Resident set size of the process.", "gauge");
  out += "tiski_resident_memory_bytes " + std::to_string(rss_kib * 1024) + "\n";
  struct mallinfo2 mi = mallinfo2();
  head(out, "tiski_heap_in_use_bytes", "Heap bytes allocated and not freed (glibc mallinfo2).", "gauge");
  out += "tiski_heap_in_use_bytes " + std::to_string(mi.uordblks + mi.hblkhd) + "\n";
  long fds = 0;
  if (DIR* d = opendir("/proc/self/fd")) {
    while (readdir(d)) ++fds;
    closedir(d);
    fds -= 3;  // ".", ".." and the directory's own descriptor
  }
  head(out, "tiski_open_fds", "Open file descriptors.", "gauge");
  out += "tiski_open_fds " + std::to_string(fds) + "\n";
  return out;
}

}  // namespace tiski
