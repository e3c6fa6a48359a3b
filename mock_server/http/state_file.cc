#include "http/state_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "config/state.h"

namespace workos_mock {

StateFile::StateFile(Registry& registry, std::string path, std::chrono::milliseconds interval)
    : registry_(registry), path_(std::move(path)), interval_(interval) {}

StateFile::~StateFile() {
  std::unique_lock<std::mutex> lock(mu_);
  stop_ = true;
  lock.unlock();
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool StateFile::Load() {
  std::ifstream in(path_, std::ios::binary);
  if (!in) return false;
  std::ostringstream buf;
  buf << in.rdbuf();
  nlohmann::json doc = nlohmann::json::parse(buf.str(), nullptr, false);
  if (doc.is_discarded()) throw ConfigError(path_, "", "not valid JSON");
  ImportRegistry(registry_, doc, path_);
  std::lock_guard<std::mutex> lock(mu_);
  last_written_ =
      ExportRegistry(registry_).dump(1, ' ', false, nlohmann::json::error_handler_t::replace);
  return true;
}

bool StateFile::WriteIfChanged() {
  std::lock_guard<std::mutex> lock(mu_);
  std::string text =
      ExportRegistry(registry_).dump(1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (text == last_written_) return false;
  const std::string tmp = path_ + ".tmp." + std::to_string(getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot write " + tmp + ": " + std::strerror(errno));
  text += "\n";
  size_t off = 0;
  while (off < text.size()) {
    ssize_t n = ::write(fd, text.data() + off, text.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = std::strerror(errno);
      ::close(fd);
      ::unlink(tmp.c_str());
      throw std::runtime_error("cannot write " + tmp + ": " + why);
    }
    off += static_cast<size_t>(n);
  }
  ::fsync(fd);  // the rename must never expose a file whose data is not on disk yet
  ::close(fd);
  if (std::rename(tmp.c_str(), path_.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    throw std::runtime_error("cannot rename " + tmp + " to " + path_ + ": " + why);
  }
  text.pop_back();
  last_written_ = std::move(text);
  return true;
}

void StateFile::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!thread_.joinable()) thread_ = std::thread([this] { Loop(); });
}

void StateFile::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    cv_.wait_for(lock, interval_, [this] { return stop_; });
    if (stop_) break;
    lock.unlock();
    try {
      WriteIfChanged();
    } catch (const std::exception& e) {
      std::cerr << "workos-mock: --state-file: " << e.what() << "\n";
    }
    lock.lock();
  }
}

void StateFile::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  WriteIfChanged();
}

}  // namespace workos_mock
