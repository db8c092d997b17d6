#include "download/ranged_fetch.h"

#include <condition_variable>
#include <exception>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "api/errors.h"
#include "core/strings.h"
#include "hub/error.h"

namespace hub::download {
namespace {

// Shared state of one ranged download. Every field is guarded by mu.
class RangedDownload {
 public:
  RangedDownload(http::Client& client, const FetchTarget& target, PartialFile& file, const RangedOptions& options,
                 const FetchProgress& progress, const std::atomic<bool>& cancel)
      : client_(client),
        target_(target),
        file_(file),
        progress_(progress),
        cancel_(cancel),
        window_(static_cast<std::size_t>(std::max(1, options.connections * options.window_per_connection))),
        connections_(std::max(1, options.connections)),
        hasher_(target.kind, target.size) {
    for (std::size_t i = 0; i < file.chunks(); ++i) resumed_.push_back(file.done(i));
  }

  void run() {
    // The first connection probes whether the server honours Range; the others start once it
    // answered 206 (or never, when it answered 200 and the body is read as one stream).
    std::vector<std::thread> threads;
    threads.emplace_back([this] { worker(true); });
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return probe_done_ || failed(); });
    }
    if (!single_stream_)
      for (int i = 1; i < connections_; ++i) threads.emplace_back([this] { worker(false); });
    for (auto& t : threads) t.join();
    if (error_) std::rethrow_exception(error_);
    hash_ready_chunks();
    if (hashed_ != file_.chunks())
      throw Error(Errc::internal, "ranged download of " + target_.what + " ended with unhashed chunks");
    std::string actual = hasher_.finish();
    if (actual != target_.expected_hash) {
      file_.discard();
      throw Error(Errc::integrity,
                  "download of " + target_.what + ": " + (target_.kind == HashKind::sha256 ? "SHA-256" : "git SHA-1") +
                      " mismatch: expected " + target_.expected_hash + ", got " + actual + "; nothing was stored",
                  {.url = target_.url});
    }
  }

 private:
  bool failed() const { return error_ != nullptr || cancel_; }

  // Next chunk to fetch, waiting while it would run too far ahead of the hash. nullopt: done.
  std::optional<std::size_t> take_chunk() {
    std::unique_lock<std::mutex> lock(mu_);
    while (true) {
      while (next_ < file_.chunks() && file_.done(next_)) ++next_;
      if (failed() || single_stream_ || next_ >= file_.chunks()) return std::nullopt;
      if (next_ < hashed_ + window_) return next_++;
      cv_.wait(lock);
    }
  }

  void worker(bool probe) {
    try {
      while (auto chunk = take_chunk()) {
        fetch_chunk(*chunk, probe);
        probe = false;
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(mu_);
      if (!error_) error_ = std::current_exception();
    }
    std::lock_guard<std::mutex> lock(mu_);
    probe_done_ = true;
    cv_.notify_all();
  }

  void fetch_chunk(std::size_t chunk, bool probe) {
    const std::uint64_t begin = file_.chunk_begin(chunk), end = file_.chunk_end(chunk);
    std::vector<char> buffer = take_buffer();
    buffer.reserve(end - begin);
    int failures = 0;
    const Settings& settings = client_.settings();
    while (buffer.size() < end - begin) {
      if (failed()) return;
      const std::uint64_t from = begin + buffer.size();
      http::Request req;
      req.url = target_.url;
      req.timeout = settings.download_timeout;
      req.headers.emplace_back("Range", "bytes=" + std::to_string(from) + "-" + std::to_string(end - 1));
      bool whole_body = false;
      std::size_t received = 0;
      auto hook = [&](const http::Response& head) {
        if (head.status == 206) {
          auto start = content_range_start(head.headers);
          if (!start || *start != from) return false;
          if (probe) announce_probe(false);
          return true;
        }
        // A 200 is the whole file. Only the probe may switch to one stream: later ranges would
        // race with the chunks already being fetched.
        if (probe && head.status == 200) {
          announce_probe(true);
          whole_body = true;
          return true;
        }
        return false;
      };
      auto sink = [&](const char* data, std::size_t n) {
        if (failed()) return false;
        if (whole_body) return stream_whole_body(data, n);
        if (buffer.size() + n > end - begin) return false;
        buffer.insert(buffer.end(), data, data + n);
        received += n;
        if (progress_) progress_(n);
        return true;
      };
      try {
        http::Response r = client_.send(req, sink, hook);
        if (whole_body) {
          finish_whole_body();
          return;
        }
        if (r.status != 206) {
          if (http::is_retryable_status(r.status) && failures < settings.max_retries) {
            std::this_thread::sleep_for(client_.backoff(failures++, http::retry_after(r.headers)));
            continue;
          }
          api::raise_for_status(r, "download of " + target_.what);
          throw Error(
              Errc::http,
              "download of " + target_.what + ": unexpected HTTP " + std::to_string(r.status) + " to a range request",
              {.http_status = r.status, .url = r.final_url});
        }
      } catch (const Error& e) {
        if (whole_body && e.code() != Errc::network && e.code() != Errc::timeout) throw;
        if (e.code() == Errc::cancelled && failed()) return;
        bool transient = e.code() == Errc::network || e.code() == Errc::timeout || e.code() == Errc::cancelled;
        if (whole_body) {
          // The one-stream fallback cannot resume in place; the caller's retry starts over.
          throw;
        }
        if (!transient || (received == 0 && failures >= settings.max_retries)) {
          if (e.code() == Errc::cancelled)
            throw Error(Errc::integrity,
                        "download of " + target_.what + ": the server answered a range request with a wrong range",
                        {.url = target_.url});
          throw;
        }
        if (received > 0)
          failures = 0;  // a stalled or dropped range that made progress restarts at once
        else
          std::this_thread::sleep_for(client_.backoff(failures++, std::nullopt));
        continue;
      }
      if (received == 0) {
        if (failures >= settings.max_retries)
          throw Error(Errc::integrity,
                      "download of " + target_.what + ": range " + std::to_string(from) + " keeps coming back empty",
                      {.url = target_.url});
        std::this_thread::sleep_for(client_.backoff(failures++, std::nullopt));
      }
    }
    file_.write_at(begin, buffer);
    file_.start_writeback(begin, buffer.size());
    {
      std::lock_guard<std::mutex> lock(mu_);
      ready_.emplace(chunk, std::move(buffer));
    }
    // Marked only once its bytes are written: a crash leaves a map that never over-claims.
    file_.mark_done(chunk);
    hash_ready_chunks();
  }

  // Chunk buffers are recycled: fresh multi-megabyte allocations cost a page fault per page.
  std::vector<char> take_buffer() {
    std::lock_guard<std::mutex> lock(mu_);
    if (pool_.empty()) return {};
    std::vector<char> b = std::move(pool_.back());
    pool_.pop_back();
    return b;
  }

  void announce_probe(bool single_stream) {
    std::lock_guard<std::mutex> lock(mu_);
    single_stream_ = single_stream;
    probe_done_ = true;
    cv_.notify_all();
  }

  // One-stream fallback: the body is the whole file from byte 0, in order.
  bool stream_whole_body(const char* data, std::size_t n) {
    if (stream_offset_ == 0 && !stream_started_) {
      stream_started_ = true;
      file_.reset();
      std::lock_guard<std::mutex> lock(mu_);
      ready_.clear();
      hashed_ = 0;
      hasher_ = Hasher(target_.kind, target_.size);
      std::fill(resumed_.begin(), resumed_.end(), false);
    }
    if (stream_offset_ + n > target_.size) return false;
    file_.write_at(stream_offset_, std::span<const char>(data, n));
    hasher_.update(std::string_view(data, n));
    stream_offset_ += n;
    if (progress_) progress_(n);
    return true;
  }

  void finish_whole_body() {
    if (stream_offset_ != target_.size)
      throw Error(Errc::integrity,
                  "download of " + target_.what + ": got " + std::to_string(stream_offset_) + " bytes, expected " +
                      std::to_string(target_.size),
                  {.url = target_.url});
    std::lock_guard<std::mutex> lock(mu_);
    for (std::size_t i = 0; i < file_.chunks(); ++i) file_.mark_done(i);
    hashed_ = file_.chunks();
  }

  // Hashes chunks in order while the next one is available (in memory, or on disk when an
  // earlier run finished it). One thread hashes at a time; the others just hand their chunk over.
  void hash_ready_chunks() {
    std::unique_lock<std::mutex> lock(mu_);
    if (hashing_) return;
    hashing_ = true;
    while (hashed_ < file_.chunks()) {
      std::size_t i = hashed_;
      auto it = ready_.find(i);
      if (it != ready_.end()) {
        std::vector<char> data = std::move(it->second);
        ready_.erase(it);
        lock.unlock();
        hasher_.update(std::string_view(data.data(), data.size()));
        lock.lock();
        data.clear();
        pool_.push_back(std::move(data));
      } else if (resumed_[i]) {
        lock.unlock();
        rehash_from_disk(i);
        lock.lock();
      } else {
        break;
      }
      ++hashed_;
      cv_.notify_all();
    }
    hashing_ = false;
  }

  void rehash_from_disk(std::size_t i) {
    std::vector<char> buf(1 << 20);
    for (std::uint64_t off = file_.chunk_begin(i); off < file_.chunk_end(i);) {
      std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), file_.chunk_end(i) - off));
      file_.read_at(off, std::span<char>(buf.data(), n));
      hasher_.update(std::string_view(buf.data(), n));
      off += n;
    }
  }

  http::Client& client_;
  const FetchTarget& target_;
  PartialFile& file_;
  const FetchProgress& progress_;
  const std::atomic<bool>& cancel_;
  const std::size_t window_;
  const int connections_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::size_t next_ = 0;    // next chunk to hand out
  std::size_t hashed_ = 0;  // chunks [0, hashed_) are in the hash
  bool hashing_ = false;
  std::map<std::size_t, std::vector<char>> ready_;  // fetched, not yet hashed
  std::vector<std::vector<char>> pool_;             // hashed buffers, ready for reuse
  bool probe_done_ = false;
  bool single_stream_ = false;
  std::vector<bool> resumed_;  // chunks finished by an earlier run: re-read once for the hash
  std::exception_ptr error_;
  Hasher hasher_;
  // One-stream fallback state (only the probe thread touches these).
  std::uint64_t stream_offset_ = 0;
  bool stream_started_ = false;
};

}  // namespace

void fetch_ranged(http::Client& client, const FetchTarget& target, PartialFile& file, const RangedOptions& options,
                  const FetchProgress& progress, const std::atomic<bool>& cancel) {
  if (file.size() != target.size) throw Error(Errc::internal, "partial file size does not match " + target.what);
  if (cancel) throw Error(Errc::cancelled, "download of " + target.what + " cancelled");
  RangedDownload(client, target, file, options, progress, cancel).run();
}

}  // namespace hub::download
