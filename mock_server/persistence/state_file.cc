#include "persistence/state_file.h"

#include <fcntl.h>
#include <sys/file.h>
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
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

void StateFile::Lock() {
  // A separate lock file, not the state file itself: the state file is replaced by rename on
  // every write, so a lock on it would lock a file that no longer has the name. The lock file
  // is never deleted (deleting it would let a third process lock a new inode while the second
  // still holds the old one); the kernel drops the lock when the process dies, even on SIGKILL.
  const std::string lock_path = path_ + ".lock";
  lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd_ < 0)
    throw std::runtime_error("--state-file: cannot open the lock file " + lock_path + ": " +
                             std::strerror(errno));
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    std::string holder;
    char buf[32] = {};
    if (::pread(lock_fd_, buf, sizeof buf - 1, 0) > 0) holder = std::string(buf);
    while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
    ::close(lock_fd_);
    lock_fd_ = -1;
    if (error != EWOULDBLOCK)
      throw std::runtime_error("--state-file: cannot lock " + lock_path + ": " +
                               std::strerror(error));
    throw std::runtime_error(
        "--state-file " + path_ + " is in use by another workos-mock" +
        (holder.empty() ? std::string() : " (pid " + holder + ")") +
        ": two servers writing one state file lose each other's state. Stop it, or give this "
        "one another --state-file.");
  }
  // Who holds it, for the message above. Informational only: the lock is the flock.
  const std::string pid = std::to_string(getpid()) + "\n";
  if (::ftruncate(lock_fd_, 0) != 0 || ::pwrite(lock_fd_, pid.data(), pid.size(), 0) < 0) {
    // Not fatal: the lock is held; the other process would only not learn our pid.
  }
}

bool StateFile::Load() {
  if (lock_fd_ < 0) Lock();
  std::ifstream in(path_, std::ios::binary);
  if (!in) return false;
  std::ostringstream buf;
  buf << in.rdbuf();
  nlohmann::json doc = nlohmann::json::parse(buf.str(), nullptr, false);
  if (doc.is_discarded()) throw ConfigError(path_, "", "not valid JSON");
  ImportRegistry(registry_, doc, path_);
  std::lock_guard<std::mutex> lock(mu_);
  bool changed = false;
  cache_ = Collect(&changed);  // what the file now holds: nothing to write until a change
  return true;
}

std::vector<StateFile::Cached> StateFile::Collect(bool* changed) {
  std::vector<Cached> next;
  const auto envs = registry_.All();
  next.reserve(envs.size());
  *changed = envs.size() != cache_.size();
  for (size_t i = 0; i < envs.size(); ++i) {
    const auto& env = envs[i];
    // Cheap check first: one counter read under the environment's lock.
    const Cached* old = i < cache_.size() && cache_[i].env.lock() == env ? &cache_[i] : nullptr;
    if (old && old->change_count == env->ChangeCount()) {
      next.push_back(*old);
      continue;
    }
    *changed = true;
    Cached part;
    part.env = env;
    part.text = std::make_shared<const std::string>(
        ExportEnvironment(*env, &part.change_count)
            .dump(1, ' ', false, nlohmann::json::error_handler_t::replace));
    ++exports_;
    next.push_back(std::move(part));
  }
  return next;
}

uint64_t StateFile::exports() const {
  std::lock_guard<std::mutex> lock(mu_);
  return exports_;
}

bool StateFile::WriteIfChanged() {
  std::lock_guard<std::mutex> lock(mu_);
  bool changed = false;
  std::vector<Cached> next = Collect(&changed);
  if (!changed) return false;
  // {"object": "mock_state_file", "version": 1, "environments": [<mock_state>...]}
  size_t size = 128;
  for (const auto& part : next) size += part.text->size() + 2;
  std::string text;
  text.reserve(size);
  text += "{\n \"object\": \"mock_state_file\",\n \"version\": 1,\n \"environments\": [\n";
  for (size_t i = 0; i < next.size(); ++i) {
    text += *next[i].text;
    text += i + 1 < next.size() ? ",\n" : "\n";
  }
  text += " ]\n}\n";
  const std::string tmp = path_ + ".tmp." + std::to_string(getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot write " + tmp + ": " + std::strerror(errno));
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
  cache_ = std::move(next);
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
