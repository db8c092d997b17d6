#include "server/http_daemon.h"

#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <thread>

#include "hub/error.h"
#include "server/mhd_library.h"

namespace hub::server {
namespace {

const MhdLibrary& mhd() { return mhd_library(); }

// Bodies larger than this (paths-info, LFS batch) are refused with 413.
constexpr std::size_t kMaxBody = 16 << 20;

struct DaemonStop {
  void operator()(MHD_Daemon* d) const { mhd().stop_daemon(d); }
};
struct ResponseFree {
  void operator()(MHD_Response* r) const { mhd().destroy_response(r); }
};
struct AddrInfoFree {
  void operator()(addrinfo* a) const { freeaddrinfo(a); }
};
using ResponsePtr = std::unique_ptr<MHD_Response, ResponseFree>;

// Per request, from the first call of the access handler to the completion notice.
struct Exchange {
  Request request;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  int status = 0;
  std::uint64_t bytes = 0;
  bool too_large = false;
};

// Leaves escapes alone: routing must tell "%2F" from "/", so it decodes segments itself.
size_t keep_escaped(void*, MHD_Connection*, char* s) { return std::strlen(s); }

MHD_Result collect_query(void* cls, MHD_ValueKind, const char* key, size_t key_size, const char* value,
                         size_t value_size) {
  auto* q = static_cast<std::string*>(cls);
  if (!q->empty()) q->push_back('&');
  q->append(key, key_size);
  if (value) {
    q->push_back('=');
    q->append(value, value_size);
  }
  return MHD_YES;
}

std::optional<std::string> header(MHD_Connection* c, const char* name) {
  const char* v = mhd().lookup_connection_value(c, MHD_HEADER_KIND, name);
  return v ? std::optional<std::string>(v) : std::nullopt;
}

void free_string(void* cls) { delete static_cast<std::string*>(cls); }

// HEAD of a file: MHD sends no body but announces the size; the reader is never called.
ssize_t no_body(void*, uint64_t, char*, size_t) { return MHD_CONTENT_READER_END_WITH_ERROR; }

ResponsePtr make_response(Reply& reply) {
  MHD_Response* r = nullptr;
  if (reply.head_length) {
    r = mhd().create_response_from_callback(*reply.head_length, 4096, &no_body, nullptr, nullptr);
  } else if (reply.file.valid() && reply.file_length > 0) {
    int fd = reply.file.release();  // MHD closes it with the response
    r = mhd().create_response_from_fd_at_offset64(reply.file_length, fd, reply.file_offset);
    if (!r) ::close(fd);
  } else {
    reply.file.reset();
    auto* body = new std::string(std::move(reply.body));
    r = mhd().create_response_from_buffer_with_free_callback_cls(body->size(), body->data(), &free_string, body);
    if (!r) delete body;
  }
  if (!r) return nullptr;
  ResponsePtr resp(r);
  for (const auto& [name, value] : reply.headers) mhd().add_response_header(r, name.c_str(), value.c_str());
  return resp;
}

}  // namespace

struct HttpDaemon::State {
  DaemonOptions options;
  RequestFn handler;
  std::unique_ptr<MHD_Daemon, DaemonStop> daemon;

  static MHD_Result access(void* cls, MHD_Connection* conn, const char* url, const char* method, const char*,
                           const char* upload_data, size_t* upload_size, void** req_cls) {
    auto* self = static_cast<State*>(cls);
    auto* ex = static_cast<Exchange*>(*req_cls);
    if (!ex) {
      ex = new Exchange();
      *req_cls = ex;
      Request& r = ex->request;
      r.method = method;
      r.target = url;
      std::string query;
      mhd().get_connection_values_n(conn, MHD_GET_ARGUMENT_KIND, &collect_query, &query);
      if (!query.empty()) r.target += "?" + query;
      r.authorization = header(conn, MHD_HTTP_HEADER_AUTHORIZATION);
      r.range = header(conn, MHD_HTTP_HEADER_RANGE);
      r.if_none_match = header(conn, MHD_HTTP_HEADER_IF_NONE_MATCH);
      r.content_type = header(conn, MHD_HTTP_HEADER_CONTENT_TYPE);
      r.host = header(conn, MHD_HTTP_HEADER_HOST);
      // Refuse an announced oversized body now instead of reading it first.
      if (auto length = header(conn, MHD_HTTP_HEADER_CONTENT_LENGTH)) {
        char* end = nullptr;
        unsigned long long n = std::strtoull(length->c_str(), &end, 10);
        if (n > kMaxBody) ex->too_large = true;
      }
      if (!ex->too_large) return MHD_YES;  // the body (if any) comes in the next calls
    }
    if (*upload_size > 0) {
      if (ex->request.body.size() + *upload_size > kMaxBody) {
        // Over the limit mid-body (chunked upload): libmicrohttpd cannot answer before the body
        // ends, so drop the connection rather than read on.
        ex->status = 413;
        return MHD_NO;
      }
      ex->request.body.append(upload_data, *upload_size);
      *upload_size = 0;
      return MHD_YES;
    }
    Reply reply;
    if (ex->too_large) {
      reply.status = 413;
      reply.body = "{\"error\":\"request body too large\"}";
      reply.add_header("Content-Type", "application/json");
      reply.add_header("X-Error-Code", "PayloadTooLarge");
      reply.add_header("X-Error-Message", "request body too large");
    } else {
      reply = self->handler(ex->request);
    }
    ex->status = reply.status;
    ex->bytes = ex->request.method == "HEAD" ? 0 : reply.content_length();
    ResponsePtr resp = make_response(reply);
    if (!resp) return MHD_NO;  // out of memory: MHD closes the connection
    return mhd().queue_response(conn, static_cast<unsigned>(reply.status), resp.get());
  }

  static void completed(void* cls, MHD_Connection*, void** req_cls, MHD_RequestTerminationCode toe) {
    auto* self = static_cast<State*>(cls);
    auto* ex = static_cast<Exchange*>(*req_cls);
    *req_cls = nullptr;
    if (!ex) return;
    if (self->options.access_log && ex->status != 0) {
      auto us =
          std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - ex->started).count();
      char tail[96];
      std::snprintf(tail, sizeof(tail), " %d %llu %.1fms%s", ex->status, static_cast<unsigned long long>(ex->bytes),
                    static_cast<double>(us) / 1000.0, toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (aborted)");
      self->options.access_log(ex->request.method + " " + ex->request.target + tail);
    }
    delete ex;
  }

  static void mhd_log(void* cls, const char* fmt, va_list ap) {
    auto* self = static_cast<State*>(cls);
    char buf[512];
    std::vsnprintf(buf, sizeof(buf), fmt, ap);
    std::string line(buf);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    if (self->options.error_log) self->options.error_log(line);
  }
};

HttpDaemon::HttpDaemon(DaemonOptions options, RequestFn handler) : state_(std::make_unique<State>()) {
  state_->options = std::move(options);
  state_->handler = std::move(handler);
  const DaemonOptions& o = state_->options;

  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* raw = nullptr;
  std::string port = std::to_string(o.port);
  if (int rc = getaddrinfo(o.host.c_str(), port.c_str(), &hints, &raw); rc != 0)
    throw Error(Errc::invalid_input, "cannot resolve --host '" + o.host + "': " + gai_strerror(rc));
  std::unique_ptr<addrinfo, AddrInfoFree> addrs(raw);

  unsigned threads = static_cast<unsigned>(o.threads ? o.threads : std::max(4u, std::thread::hardware_concurrency()));
  // poll(), not epoll: libmicrohttpd's epoll mode is edge-triggered and treats a short read as
  // "socket drained", so when a client's last bytes and its FIN arrive together (a client that
  // sends part of a request and hangs up) the end of stream is never read and the connection
  // sits in CLOSE_WAIT, holding its fd, until the 120 s timeout. Level-triggered poll() sees the
  // FIN on the next pass (found by tests/integration/serve_load.test.mjs).
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL;
  if (addrs->ai_family == AF_INET6) flags |= MHD_USE_IPv6;
  if (o.error_log) flags |= MHD_USE_ERROR_LOG;

  // Workers inherit this thread's signal mask: with SIGPIPE blocked there, a client that hangs
  // up during sendfile gives EPIPE instead of killing the process.
  sigset_t block, previous;
  sigemptyset(&block);
  sigaddset(&block, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &block, &previous);
  MHD_Daemon* d = mhd().start_daemon(
      flags, o.port, nullptr, nullptr, &State::access, state_.get(), MHD_OPTION_EXTERNAL_LOGGER, &State::mhd_log,
      state_.get(), MHD_OPTION_SOCK_ADDR, addrs->ai_addr, MHD_OPTION_THREAD_POOL_SIZE, threads,
      MHD_OPTION_CONNECTION_LIMIT, 4000u, MHD_OPTION_CONNECTION_TIMEOUT, 120u, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
      static_cast<size_t>(128 * 1024), MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u, MHD_OPTION_NOTIFY_COMPLETED,
      &State::completed, state_.get(), MHD_OPTION_UNESCAPE_CALLBACK, &keep_escaped, nullptr, MHD_OPTION_END);
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  if (!d)
    throw Error(Errc::io, "cannot listen on " + o.host + ":" + port + " (address in use, or not allowed to bind)");
  state_->daemon.reset(d);
  const MHD_DaemonInfo* info = mhd().get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
  port_ = info && info->port ? info->port : o.port;
}

HttpDaemon::~HttpDaemon() { stop(); }

void HttpDaemon::stop() {
  if (state_) state_->daemon.reset();
}

}  // namespace hub::server
