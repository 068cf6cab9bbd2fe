#include <fmt/format.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "greenlight/core/ssh.h"
#include "ssh/session.h"

namespace greenlight {

using detail::SshFailure;
using detail::SshSession;
using detail::SshTarget;
using Clock = std::chrono::steady_clock;

struct SshRunner::Pool {
  struct Job {
    SshTarget target;
    Command command;
    std::function<void(RunResult)> done;
    asio::executor_work_guard<asio::io_context::executor_type> busy;  ///< keeps run() going
    Clock::time_point queued;  ///< the command's deadline counts from here
  };

  asio::io_context& io;
  SshOptions options;
  std::mutex mutex;
  std::condition_variable wake;
  std::deque<Job> readings;  ///< queued Command::reading jobs, taken first
  std::deque<Job> queue;     ///< the other queued jobs
  int actions_running = 0;   ///< jobs from `queue` running, at most options.workers
  int readings_running = 0;  ///< jobs from `readings` running
  std::unordered_multimap<std::string, std::unique_ptr<SshSession>> idle;  ///< by target key
  std::vector<std::thread> threads;
  std::size_t waiting = 0;  ///< threads waiting for a job
  bool stopping = false;
  std::atomic<bool> interrupted{false};
  std::atomic<std::size_t> opened{0};
  std::shared_mutex known_hosts_lock;

  Pool(asio::io_context& context, SshOptions settings)
      : io(context), options(std::move(settings)) {}

  std::unique_ptr<SshSession> take_idle(const std::string& key) {
    std::lock_guard<std::mutex> lock(mutex);
    auto found = idle.find(key);
    if (found == idle.end()) return nullptr;
    auto session = std::move(found->second);
    idle.erase(found);
    return session;
  }

  void give_back(const std::string& key, std::unique_ptr<SshSession> session) {
    std::lock_guard<std::mutex> lock(mutex);
    if (!stopping) idle.emplace(key, std::move(session));
  }

  std::unique_ptr<SshSession> connect(const SshTarget& target, RunResult& result) {
    SshFailure failure;
    auto session = SshSession::open(target, options, known_hosts_lock, failure);
    ++opened;
    if (!session) {
      result.status = failure.status;
      result.reason = failure.reason;
    }
    return session;
  }

  RunResult execute(const Job& job) {
    const auto started = Clock::now();
    RunResult result;
    result.node = job.target.node;
    result.command = job.command.text();
    result.status = RunStatus::kCannotStart;
    if (interrupted.load()) {
      result.reason = "not started: interrupted";
      return result;
    }
    // One deadline for the whole job: the time spent waiting for a worker
    // and connecting counts, so a command queued behind long ones cannot
    // wait unbounded.
    const auto deadline = job.queued + job.command.timeout;
    if (started >= deadline) {
      result.status = RunStatus::kTimeout;
      result.reason = fmt::format(
          "timed out after {} ms waiting for a free SSH connection slot ({}), never sent",
          std::chrono::duration_cast<std::chrono::milliseconds>(started - job.queued).count(),
          job.command.reading
              ? fmt::format("{} for checks, beyond the fanout", options.reading_workers)
              : fmt::format("fanout {}", options.workers));
      return result;
    }
    const std::string key = job.target.key();
    auto session = take_idle(key);
    bool reused = session != nullptr;
    if (session && !session->connected()) {
      session.reset();
      reused = false;
    }
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (!session) {
        session = connect(job.target, result);
        if (!session) break;
      }
      // Connecting may have used up the job's time: the command is then
      // never sent (a poweroff reported as timed out must not have run).
      if (const auto now = Clock::now(); now >= deadline) {
        if (session->connected()) give_back(key, std::move(session));
        result.status = RunStatus::kTimeout;
        result.reason = fmt::format(
            "timed out after {} ms queued and connecting, never sent",
            std::chrono::duration_cast<std::chrono::milliseconds>(now - job.queued).count());
        result.duration = std::chrono::duration_cast<std::chrono::milliseconds>(now - started);
        return result;
      }
      RunResult attempt_result = result;
      const auto outcome = session->exec(job.command, deadline, interrupted, attempt_result);
      if (outcome == SshSession::Outcome::kNotStarted && reused) {
        // A kept session whose host went away (rebooted, sshd restarted):
        // nothing was sent, so connect again and send the command once.
        session.reset();
        reused = false;
        continue;
      }
      result = std::move(attempt_result);
      switch (outcome) {
        case SshSession::Outcome::kDone:
          break;
        case SshSession::Outcome::kNotStarted:
          result.status = RunStatus::kUnreachable;
          session.reset();
          break;
        case SshSession::Outcome::kLost:
          // The command was sent: the host went away while running it.
          result.status = RunStatus::kClosed;
          session.reset();
          break;
        case SshSession::Outcome::kTimedOut:
          result.status = RunStatus::kTimeout;
          break;
        case SshSession::Outcome::kInterrupted:
          result.status = RunStatus::kInterrupted;
          break;
        case SshSession::Outcome::kNotSent:
          result.status = RunStatus::kCannotStart;
          break;
      }
      break;
    }
    if (session && session->connected()) give_back(key, std::move(session));
    result.duration = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    return result;
  }

  bool action_may_start() const {
    return !queue.empty() && actions_running < std::max(1, options.workers);
  }
  // A reading takes a thread of its own (reading_workers), or one the other
  // commands leave free while none of them is queued: readings never hold
  // a thread a queued step command could have, so neither starves the other.
  bool reading_may_start() const {
    if (readings.empty()) return false;
    const int reserve = std::max(0, options.reading_workers);
    if (readings_running < reserve) return true;
    return queue.empty() &&
           readings_running < reserve + std::max(1, options.workers) - actions_running;
  }

  void work() {
    for (;;) {
      std::unique_lock<std::mutex> lock(mutex);
      ++waiting;
      wake.wait(lock, [this] { return stopping || reading_may_start() || action_may_start(); });
      --waiting;
      if (stopping) return;
      const bool reading = reading_may_start();
      std::deque<Job>& from = reading ? readings : queue;
      Job job = std::move(from.front());
      from.pop_front();
      ++(reading ? readings_running : actions_running);
      lock.unlock();
      RunResult result = execute(job);
      asio::post(io, [done = std::move(job.done), result = std::move(result)]() mutable {
        done(std::move(result));
      });
      job.busy.reset();
      lock.lock();
      --(reading ? readings_running : actions_running);
      lock.unlock();
      wake.notify_all();  // a queued command may start now
    }
  }
};

SshRunner::SshRunner(asio::io_context& io, SshOptions options)
    : pool_(std::make_shared<Pool>(io, std::move(options))) {}

SshRunner::~SshRunner() {
  {
    std::lock_guard<std::mutex> lock(pool_->mutex);
    pool_->stopping = true;
    pool_->queue.clear();
    pool_->readings.clear();
  }
  pool_->interrupted = true;
  pool_->wake.notify_all();
  for (auto& thread : pool_->threads) thread.join();
  pool_->idle.clear();
}

void SshRunner::run(const Endpoint& endpoint, const Command& command,
                    std::function<void(RunResult)> done) {
  SshTarget target{endpoint.node, endpoint.address.empty() ? endpoint.node : endpoint.address,
                   endpoint.port, endpoint.user.empty() ? pool_->options.user : endpoint.user};
  std::lock_guard<std::mutex> lock(pool_->mutex);
  (command.reading ? pool_->readings : pool_->queue)
      .push_back(Pool::Job{std::move(target), command, std::move(done),
                           asio::make_work_guard(pool_->io), Clock::now()});
  // Threads start on demand, up to the bound: a run over three hosts starts
  // three.
  const std::size_t bound = static_cast<std::size_t>(std::max(1, pool_->options.workers) +
                                                     std::max(0, pool_->options.reading_workers));
  if (pool_->waiting < pool_->queue.size() + pool_->readings.size() &&
      pool_->threads.size() < bound) {
    Pool* pool = pool_.get();
    pool_->threads.emplace_back([pool] { pool->work(); });
  }
  pool_->wake.notify_one();
}

void SshRunner::interrupt() {
  pool_->interrupted = true;
  std::lock_guard<std::mutex> lock(pool_->mutex);
  pool_->wake.notify_all();
}

std::size_t SshRunner::connections_opened() const { return pool_->opened.load(); }

}  // namespace greenlight
