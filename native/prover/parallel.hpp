// A minimal fork-join helper: run fn(task) for task in [0, n) on `threads` OS threads pulling tasks
// from one atomic counter. Exceptions in a task are rethrown on the calling thread.
#pragma once
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace DES_ARCH {

template <class Fn>
void parallelFor(size_t n, int threads, Fn fn) {
  if (n == 0) return;
  if (threads <= 1 || n == 1) {
    for (size_t i = 0; i < n; i++) fn(i);
    return;
  }
  std::atomic<size_t> next{0};
  std::exception_ptr err;
  std::mutex errMutex;
  auto body = [&]() {
    try {
      for (;;) {
        size_t i = next.fetch_add(1);
        if (i >= n) break;
        fn(i);
      }
    } catch (...) {
      std::lock_guard<std::mutex> g(errMutex);
      if (!err) err = std::current_exception();
      next.store(n);
    }
  };
  int t = (int)std::min<size_t>((size_t)threads, n);
  std::vector<std::thread> pool;
  pool.reserve(t - 1);
  for (int i = 1; i < t; i++) pool.emplace_back(body);
  body();
  for (auto& th : pool) th.join();
  if (err) std::rethrow_exception(err);
}

// Splits [0, n) into `parts` contiguous ranges and runs fn(begin, end, part) on each in parallel.
template <class Fn>
void parallelRanges(size_t n, int threads, Fn fn) {
  size_t parts = threads <= 1 ? 1 : (size_t)threads;
  if (parts > n) parts = n ? n : 1;
  parallelFor(parts, threads, [&](size_t p) {
    size_t b = n * p / parts, e = n * (p + 1) / parts;
    fn(b, e, p);
  });
}

}  // namespace DES_ARCH
