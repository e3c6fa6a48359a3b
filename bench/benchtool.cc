// benchtool: the two measurements of scripts/bench that wrk cannot make.
//
//   benchtool flow HOST PORT THREADS SECONDS [static]
//     Runs the whole magic-link flow in a loop: POST /passwordless/sessions -> GET the link ->
//     POST /sso/token with the code from the redirect -> GET /sso/profile with the access token.
//     Each step needs a value from the previous answer, which is awkward in wrk's Lua (its
//     callbacks do not say which connection an answer came from), so this is a plain blocking
//     client: THREADS threads, one keep-alive connection each, every flow on one connection.
//     With "static" it sends the same four requests (same methods, paths, bodies) without
//     reading anything from the answers: that is the reference run against nginx.
//     Prints: FLOW flows=N duration_us=N errors=N p50_us=N p99_us=N
//
//   benchtool sample HOST PORT
//     One flow, printing each answer's body size and the access token it got:
//     SAMPLE create=N visit=N token=N profile=N health=N access_token=...
//     (scripts/bench sizes nginx's static bodies from it and uses the token for /sso/profile.)
//
//   benchtool visits HOST PORT_ONE PORT_MANY ENVS VISITS
//     Two fresh servers: creates ENVS-1 environments besides the default one on PORT_MANY
//     (POST /_mock/environments), then VISITS magic links in each default environment, and visits
//     each once, one at a time, alternating between the servers (one kept-alive connection each):
//     how a link lookup scales with the number of environments (parallel test workers create one
//     each). Prints: VISITS envs=N visits=N one_p50_us=N one_p99_us=N many_p50_us=N
//     many_p99_us=N errors=N
//
//   benchtool freeport
//     Prints a TCP port on 127.0.0.1 that was free a moment ago (for nginx, which cannot say
//     which port it got from "listen 0").
//
//   benchtool startup RUNS BINARY [ARGS...]
//     RUNS times: exec BINARY ARGS (which must print "... http://HOST:PORT" as its first stdout
//     line, e.g. workos-mock --port 0), then poll GET /health until it answers 200. The time
//     from fork+exec to that 200 is one sample; the server is then stopped with SIGTERM.
//     Prints: STARTUP runs=N median_us=N min_us=N max_us=N
//
// Built by scripts/bench with g++ -O2; no dependencies beyond libc and libstdc++.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "http_conn.h"

namespace {

using benchtool::Between;
using benchtool::Conn;
using benchtool::Response;

using Clock = std::chrono::steady_clock;

int64_t Micros(Clock::duration d) {
  return std::chrono::duration_cast<std::chrono::microseconds>(d).count();
}

int Flow(const std::string& host, int port, int threads, double seconds, bool is_static) {
  std::atomic<bool> stop{false};
  std::atomic<long> errors{0};
  std::vector<std::vector<int64_t>> latencies(static_cast<size_t>(threads));
  std::vector<std::thread> workers;
  const auto start = Clock::now();
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      Conn conn(host, port);
      Response r;
      // A static reference gets the same requests with placeholder values of the same size.
      const std::string placeholder_link = "/passwordless/" + std::string(25, 'x') + "/confirm";
      const std::string placeholder_code(26, 'X');
      std::string placeholder_token;
      auto& mine = latencies[static_cast<size_t>(t)];
      while (!stop.load(std::memory_order_relaxed)) {
        const auto t0 = Clock::now();
        bool ok = conn.Send("POST", "/passwordless/sessions",
                            "Authorization: Bearer sk_test_workos_mock\r\n"
                            "Content-Type: application/json\r\n",
                            R"({"type":"MagicLink","email":"flow@example.com"})", &r) &&
                  (is_static || r.status == 201);
        std::string link = is_static ? placeholder_link : Between(r.body, "\"link\":\"", "\"");
        size_t path_at = link.find("/passwordless/");
        ok = ok && path_at != std::string::npos &&
             conn.Send("GET", link.substr(path_at), "", "", &r) && (is_static || r.status == 302);
        std::string code = is_static ? placeholder_code : Between(r.headers, "code=", "&\r");
        ok = ok && !code.empty() &&
             conn.Send("POST", "/sso/token", "Content-Type: application/x-www-form-urlencoded\r\n",
                       "client_id=client_workos_mock&client_secret=sk_test_workos_mock"
                       "&grant_type=authorization_code&code=" +
                           code,
                       &r) &&
             (is_static || r.status == 200);
        std::string token = Between(r.body, "\"access_token\":\"", "\"");
        if (is_static) {
          if (placeholder_token.empty()) placeholder_token.assign(700, 'x');
          token = placeholder_token;
        }
        ok = ok && !token.empty() &&
             conn.Send("GET", "/sso/profile", "Authorization: Bearer " + token + "\r\n", "", &r) &&
             (is_static || r.status == 200);
        if (ok)
          mine.push_back(Micros(Clock::now() - t0));
        else
          errors.fetch_add(1);
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& w : workers) w.join();
  const int64_t duration = Micros(Clock::now() - start);
  std::vector<int64_t> all;
  for (auto& v : latencies) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) {
    return all.empty() ? 0 : all[std::min(all.size() - 1, static_cast<size_t>(p * all.size()))];
  };
  std::printf("FLOW flows=%zu duration_us=%lld errors=%ld p50_us=%lld p99_us=%lld\n", all.size(),
              static_cast<long long>(duration), errors.load(), static_cast<long long>(pct(0.50)),
              static_cast<long long>(pct(0.99)));
  return 0;
}

int Sample(const std::string& host, int port) {
  Conn conn(host, port);
  Response create, visit, token, profile, health;
  bool ok = conn.Send("POST", "/passwordless/sessions",
                      "Authorization: Bearer sk_test_workos_mock\r\n"
                      "Content-Type: application/json\r\n",
                      R"({"type":"MagicLink","email":"bench@example.com"})", &create) &&
            create.status == 201;
  std::string link = Between(create.body, "\"link\":\"", "\"");
  size_t path_at = link.find("/passwordless/");
  ok = ok && path_at != std::string::npos &&
       conn.Send("GET", link.substr(path_at), "", "", &visit) && visit.status == 302;
  const std::string code = Between(visit.headers, "code=", "&\r");
  ok = ok &&
       conn.Send("POST", "/sso/token", "Content-Type: application/x-www-form-urlencoded\r\n",
                 "client_id=client_workos_mock&client_secret=sk_test_workos_mock"
                 "&grant_type=authorization_code&code=" +
                     code,
                 &token) &&
       token.status == 200;
  const std::string access_token = Between(token.body, "\"access_token\":\"", "\"");
  ok = ok &&
       conn.Send("GET", "/sso/profile", "Authorization: Bearer " + access_token + "\r\n", "",
                 &profile) &&
       profile.status == 200 && conn.Send("GET", "/health", "", "", &health) &&
       health.status == 200;
  if (!ok) {
    std::fprintf(stderr, "benchtool: the sample flow failed (statuses %d %d %d %d %d)\n",
                 create.status, visit.status, token.status, profile.status, health.status);
    return 1;
  }
  std::printf("SAMPLE create=%zu visit=%zu token=%zu profile=%zu health=%zu access_token=%s\n",
              create.body.size(), visit.body.size(), token.body.size(), profile.body.size(),
              health.body.size(), access_token.c_str());
  return 0;
}

// `count` fresh link paths from the default environment of the server on `conn`.
std::vector<std::string> MakeLinks(Conn& conn, int count, long& errors) {
  Response r;
  std::vector<std::string> links;
  for (int i = 0; i < count; ++i) {
    if (!conn.Send("POST", "/passwordless/sessions",
                   "Authorization: Bearer sk_test_workos_mock\r\n"
                   "Content-Type: application/json\r\n",
                   R"({"type":"MagicLink","email":"visit@example.com"})", &r) ||
        r.status != 201) {
      ++errors;
      continue;
    }
    std::string link = Between(r.body, "\"link\":\"", "\"");
    size_t at = link.find("/passwordless/");
    if (at != std::string::npos) links.push_back(link.substr(at));
  }
  return links;
}

// The two servers are visited in turn, one request each, so that both samples see the same
// machine: one at a time, a visit's latency is mostly the worker's wake-up, which depends on how
// idle the CPUs are at that moment (20 us busy, 110 us quiet, measured on the same binary).
int Visits(const std::string& host, int port_one, int port_many, int envs, int visits) {
  Conn one(host, port_one), many(host, port_many);
  Response r;
  long errors = 0;
  for (int i = 1; i < envs; ++i)
    if (!many.Send("POST", "/_mock/environments", "Content-Type: application/json\r\n", "{}", &r) ||
        r.status != 201)
      ++errors;
  const std::vector<std::string> links[2] = {MakeLinks(one, visits, errors),
                                             MakeLinks(many, visits, errors)};
  Conn* conns[2] = {&one, &many};
  std::vector<int64_t> us[2];
  for (size_t i = 0; i < std::min(links[0].size(), links[1].size()); ++i) {
    for (int k = 0; k < 2; ++k) {
      const auto t0 = Clock::now();
      if (conns[k]->Send("GET", links[k][i], "", "", &r) && r.status == 302)
        us[k].push_back(Micros(Clock::now() - t0));
      else
        ++errors;
    }
  }
  auto pct = [&](std::vector<int64_t>& v, double p) {
    std::sort(v.begin(), v.end());
    return static_cast<long long>(
        v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))]);
  };
  std::printf(
      "VISITS envs=%d visits=%zu one_p50_us=%lld one_p99_us=%lld many_p50_us=%lld "
      "many_p99_us=%lld errors=%ld\n",
      envs, us[1].size(), pct(us[0], 0.5), pct(us[0], 0.99), pct(us[1], 0.5), pct(us[1], 0.99),
      errors);
  return errors ? 1 : 0;
}

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    return 1;
  std::printf("%d\n", ntohs(addr.sin_port));
  close(fd);
  return 0;
}

// One start: fork+exec, read the first stdout line for the port, poll /health until 200.
int64_t StartOnce(char** argv) {
  int pipefd[2];
  if (pipe(pipefd) != 0) return -1;
  const auto t0 = Clock::now();
  pid_t pid = fork();
  if (pid == 0) {
    dup2(pipefd[1], 1);
    close(pipefd[0]);
    close(pipefd[1]);
    execv(argv[0], argv);
    _exit(127);
  }
  close(pipefd[1]);
  std::string line;
  char c;
  while (read(pipefd[0], &c, 1) == 1 && c != '\n') line += c;
  int64_t elapsed = -1;
  size_t colon = line.rfind(':');
  int port = colon == std::string::npos ? 0 : std::atoi(line.c_str() + colon + 1);
  if (port > 0) {
    for (int tries = 0; tries < 100000; ++tries) {
      Conn conn("127.0.0.1", port);
      Response r;
      if (conn.Send("GET", "/health", "", "", &r) && r.status == 200) {
        elapsed = Micros(Clock::now() - t0);
        break;
      }
    }
  }
  kill(pid, SIGTERM);
  int status;
  waitpid(pid, &status, 0);
  close(pipefd[0]);
  return elapsed;
}

int Startup(int runs, char** argv) {
  std::vector<int64_t> samples;
  for (int i = 0; i < runs; ++i) {
    int64_t us = StartOnce(argv);
    if (us < 0) {
      std::fprintf(stderr, "benchtool: start %d of %s failed\n", i + 1, argv[0]);
      return 1;
    }
    samples.push_back(us);
  }
  std::sort(samples.begin(), samples.end());
  std::printf("STARTUP runs=%d median_us=%lld min_us=%lld max_us=%lld\n", runs,
              static_cast<long long>(samples[samples.size() / 2]),
              static_cast<long long>(samples.front()), static_cast<long long>(samples.back()));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "flow" && (argc == 6 || argc == 7))
    return Flow(argv[2], std::atoi(argv[3]), std::atoi(argv[4]), std::atof(argv[5]),
                argc == 7 && std::string(argv[6]) == "static");
  if (mode == "sample" && argc == 4) return Sample(argv[2], std::atoi(argv[3]));
  if (mode == "visits" && argc == 7)
    return Visits(argv[2], std::atoi(argv[3]), std::atoi(argv[4]), std::atoi(argv[5]),
                  std::atoi(argv[6]));
  if (mode == "freeport") return FreePort();
  if (mode == "startup" && argc >= 4) return Startup(std::atoi(argv[2]), argv + 3);
  std::fprintf(stderr,
               "usage: benchtool flow HOST PORT THREADS SECONDS [static]\n"
               "       benchtool sample HOST PORT\n"
               "       benchtool visits HOST PORT_ONE PORT_MANY ENVS VISITS\n"
               "       benchtool freeport\n"
               "       benchtool startup RUNS BINARY [ARGS...]\n");
  return 2;
}
