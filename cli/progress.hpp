// A progress line on stderr for scans that take more than a second on a terminal; nothing
// otherwise (never in CI logs or pipes).
#pragma once

#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

namespace infralint {

class Progress {
 public:
  Progress() {
    if (!isatty(STDERR_FILENO)) return;
    thread_ = std::thread([this] {
      const auto start = std::chrono::steady_clock::now();
      std::unique_lock<std::mutex> lock(mu_);
      if (cv_.wait_for(lock, std::chrono::seconds(1), [this] { return done_; })) return;
      while (!done_) {
        const auto s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::fprintf(stderr, "\rinfralint: scanning... %.1f s", s);
        std::fflush(stderr);
        shown_ = true;
        cv_.wait_for(lock, std::chrono::milliseconds(250), [this] { return done_; });
      }
    });
  }
  ~Progress() { stop(); }
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void stop() {
    if (!thread_.joinable()) return;
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
    if (shown_) std::fprintf(stderr, "\r\033[K");
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  bool shown_ = false;
  std::thread thread_;
};

}  // namespace infralint
