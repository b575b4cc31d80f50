#include "kube/cpprest_line_stream.h"

#include <vector>

namespace orderops::kube::detail {
namespace {

constexpr size_t kReadChunk = 64 * 1024;

}  // namespace

void CloseStream::operator()() const {
  cts.cancel();
  // pplx terminates the process on an unobserved task exception: observe it.
  body.close().then([](pplx::task<void> done) {
    try {
      done.get();
    } catch (...) {
    }
  });
}

CpprestLineStream::CpprestLineStream(web::http::http_response response,
                                     pplx::cancellation_token_source cts, std::stop_token stop,
                                     const Clock& clock, MonotonicTime deadline)
    : response_(std::move(response)),
      body_(response_.body().streambuf()),
      cts_(cts),
      stop_(std::move(stop)),
      on_stop_(stop_, CloseStream{cts, body_}),
      clock_(clock),
      deadline_(deadline) {}

CpprestLineStream::~CpprestLineStream() { CloseStream{cts_, body_}(); }

Result<bool> CpprestLineStream::fill() {
  try {
    const size_t available = body_.in_avail();
    if (available > 0) {
      std::vector<uint8_t> buffer(std::min(available, kReadChunk));
      const size_t n = body_.getn(buffer.data(), buffer.size()).get();
      pending_.append(reinterpret_cast<const char*>(buffer.data()), n);
      return true;
    }
  } catch (...) {
    return std::unexpected(transport_error(std::current_exception(), stop_.stop_requested()));
  }
  // Nothing buffered: wait for one byte (or the end), bounded by the stream's deadline.
  const Duration left = deadline_ - clock_.monotonic();
  const CloseStream close{cts_, body_};
  if (left <= Duration::zero()) {
    close();
    return make_error(ErrorCode::kTimeout, "stream deadline passed", "ClientTimeout");
  }
  auto byte = await(body_.bumpc(), close, left, stop_);
  if (!byte) return std::unexpected(byte.error());
  if (*byte == concurrency::streams::streambuf<uint8_t>::traits::eof()) return false;
  pending_.push_back(static_cast<char>(*byte));
  return true;
}

Result<std::optional<std::string>> CpprestLineStream::next_line() {
  while (true) {
    if (const auto newline = pending_.find('\n'); newline != std::string::npos) {
      std::string line = pending_.substr(0, newline);
      pending_.erase(0, newline + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return std::optional<std::string>(std::move(line));
    }
    if (ended_) {
      if (pending_.empty()) return std::optional<std::string>();
      std::string rest = std::move(pending_);
      pending_.clear();
      return std::optional<std::string>(std::move(rest));
    }
    if (stop_.stop_requested()) return make_error(ErrorCode::kCancelled, "stream stopped");
    auto more = fill();
    if (!more) return std::unexpected(more.error());
    if (!*more) ended_ = true;
  }
}

}  // namespace orderops::kube::detail
