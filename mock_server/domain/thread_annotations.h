// Clang's thread-safety annotations (as LevelDB's port/thread_annotations.h), and a mutex that
// carries them: libstdc++'s std::mutex is not annotated, so clang could not see it being taken.
// With clang and -Wthread-safety (scripts/test's "thread-safety" stage) the compiler checks that
// every member marked GUARDED_BY(mu_) is touched only with mu_ held, and that every method marked
// REQUIRES(mu_) is called only with it held. Other compilers see empty macros.
#pragma once

#include <condition_variable>
#include <mutex>

#if defined(__clang__)
#define WORKOS_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define WORKOS_THREAD_ANNOTATION(x)
#endif

#define CAPABILITY(x) WORKOS_THREAD_ANNOTATION(capability(x))
#define SCOPED_CAPABILITY WORKOS_THREAD_ANNOTATION(scoped_lockable)
#define GUARDED_BY(x) WORKOS_THREAD_ANNOTATION(guarded_by(x))
#define PT_GUARDED_BY(x) WORKOS_THREAD_ANNOTATION(pt_guarded_by(x))
#define ACQUIRED_BEFORE(...) WORKOS_THREAD_ANNOTATION(acquired_before(__VA_ARGS__))
#define REQUIRES(...) WORKOS_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define ACQUIRE(...) WORKOS_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define RELEASE(...) WORKOS_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define EXCLUDES(...) WORKOS_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
#define RETURN_CAPABILITY(x) WORKOS_THREAD_ANNOTATION(lock_returned(x))
#define NO_THREAD_SAFETY_ANALYSIS WORKOS_THREAD_ANNOTATION(no_thread_safety_analysis)

namespace workos_mock {

// A std::mutex the analysis knows about.
class CAPABILITY("mutex") Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void Lock() ACQUIRE() { mu_.lock(); }
  void Unlock() RELEASE() { mu_.unlock(); }
  // For the analysis only: states that the caller holds the lock (no run-time check).
  void AssertHeld() const WORKOS_THREAD_ANNOTATION(assert_capability(this)) {}

 private:
  friend class MutexLock;
  std::mutex mu_;
};

// Holds a Mutex for its scope (std::unique_lock underneath, so it can also be released early,
// taken again, and waited on with a std::condition_variable).
class SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex& mu) ACQUIRE(mu) : lock_(mu.mu_) {}
  ~MutexLock() RELEASE() {}
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

  void Unlock() RELEASE() { lock_.unlock(); }
  void Lock() ACQUIRE() { lock_.lock(); }

  // The std::unique_lock underneath, to wait on a std::condition_variable with (the wait
  // releases and retakes it; for the analysis it stays held). Clock::WaitFor takes it.
  std::unique_lock<std::mutex>& native() { return lock_; }

 private:
  std::unique_lock<std::mutex> lock_;
};

}  // namespace workos_mock
