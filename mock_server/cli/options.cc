#include "cli/options.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>

namespace workos_mock {

namespace {

struct Flag {
  const char* name;     // "--port"
  const char* metavar;  // "PORT"; null for a switch
  const char* help;     // one or more lines, without indentation
  // `source` names where the value came from ("--port" or "WORKOS_MOCK_PORT") for messages.
  std::function<void(CommandLine&, const std::string& value, const std::string& source)> set;
};

[[noreturn]] void Bad(const std::string& source, const std::string& what, const std::string& v) {
  throw UsageError(source + " must be " + what + ", not '" + v + "'");
}

long Number(const std::string& v, long lo, long hi, const std::string& source,
            const std::string& unit = "") {
  char* end = nullptr;
  errno = 0;
  const long n = std::strtol(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || errno != 0 || n < lo || n > hi)
    Bad(source, "a whole number from " + std::to_string(lo) + " to " + std::to_string(hi) + unit,
        v);
  return n;
}

bool Switch(const std::string& v, const std::string& source) {
  std::string l = v;
  std::transform(l.begin(), l.end(), l.begin(), [](unsigned char c) { return std::tolower(c); });
  if (l == "1" || l == "true" || l == "yes" || l == "on") return true;
  if (l.empty() || l == "0" || l == "false" || l == "no" || l == "off") return false;
  Bad(source, "1, true, yes or on (or 0, false, no, off)", v);
}

std::string EnvName(const std::string& flag) {
  std::string env = "WORKOS_MOCK_";
  for (char c : flag.substr(2)) env += c == '-' ? '_' : static_cast<char>(std::toupper(c));
  return env;
}

const std::vector<Flag>& Flags() {
  using C = CommandLine;
  using S = const std::string&;
  static const std::vector<Flag> flags = {
      {"--host", "HOST", "address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)",
       [](C& c, S v, S s) {
         if (v.empty()) Bad(s, "an address such as 127.0.0.1 or 0.0.0.0", v);
         c.server.host = v;
       }},
      {"--port", "PORT", "port to listen on (default 4400; 0 = an ephemeral port)",
       [](C& c, S v, S s) {
         c.server.port = static_cast<int>(Number(v, 0, 65535, s));
         c.port_given = true;
       }},
      {"--config", "FILE",
       "environments as JSON (default: the embedded default, see\nfixtures/default.json and "
       "docs/config.md)",
       [](C& c, S v, S) { c.config_path = v; }},
      {"--public-url", "URL", "origin that magic links point at (default http://HOST:PORT)",
       [](C& c, S v, S s) {
         if (v.rfind("http://", 0) != 0 && v.rfind("https://", 0) != 0)
           Bad(s, "an http:// or https:// URL", v);
         c.server.public_url = v;
       }},
      {"--port-file", "FILE", "write the bound port to FILE once listening",
       [](C& c, S v, S) { c.port_file = v; }},
      {"--log", "FORMAT", "text, json or off: one line per request on stderr (default text)",
       [](C& c, S v, S s) {
         if (v != "text" && v != "json" && v != "off") Bad(s, "text, json or off", v);
         c.server.log = v;
       }},
      {"--admin-token", "TOKEN",
       "/_mock/* then needs the header X-Mock-Admin-Token: TOKEN from\nevery client (without it: "
       "loopback clients only)",
       [](C& c, S v, S) { c.server.admin_token = v; }},
      {"--io-timeout", "SECONDS",
       "disconnect a client when one read or write stalls this long\n(default 10)",
       [](C& c, S v, S s) {
         c.server.io_timeout_seconds = static_cast<int>(Number(v, 1, 3600, s, " seconds"));
       }},
      {"--request-timeout", "SECONDS",
       "a whole request (request line, headers and body) must arrive\nwithin this time of its "
       "first byte, or the connection is closed:\na client that trickles bytes cannot hold it "
       "(default 10)",
       [](C& c, S v, S s) {
         c.server.request_timeout_seconds = static_cast<int>(Number(v, 1, 3600, s, " seconds"));
       }},
      {"--handshake-timeout", "SECONDS",
       "a TLS handshake must finish within this time of the connection\n(default 5)",
       [](C& c, S v, S s) {
         c.server.handshake_timeout_seconds = static_cast<int>(Number(v, 1, 3600, s, " seconds"));
       }},
      {"--idle-timeout", "SECONDS",
       "a kept-alive connection with no request for this long is closed\n(default 5)",
       [](C& c, S v, S s) {
         c.server.idle_timeout_seconds = static_cast<int>(Number(v, 1, 3600, s, " seconds"));
       }},
      {"--max-connections", "N",
       "open connections served at once; beyond it a new connection gets\n503 (Retry-After: 1) "
       "and is closed. Default: 4096, or the descriptor\nlimit (raised to its hard limit at "
       "start) minus 64 when lower",
       [](C& c, S v, S s) {
         c.server.max_connections = static_cast<size_t>(Number(v, 1, 1000000, s));
       }},
      {"--threads", "N",
       "idle workers kept ready for new connections (default 32). Every\nopen connection has a "
       "worker of its own, started on demand, so no\nrequest waits for another connection; "
       "workers beyond N retire\nafter 10 s without work",
       [](C& c, S v, S s) { c.server.threads = static_cast<int>(Number(v, 0, 4096, s)); }},
      {"--tls", nullptr,
       "serve HTTPS (TLS 1.2+); without --tls-cert/--tls-key a self-signed\ncertificate for "
       "localhost/127.0.0.1 is generated and its PEM path\nprinted on stderr (trust it as a CA "
       "file)",
       [](C& c, S v, S s) { c.server.tls = Switch(v, s); }},
      {"--tls-cert", "PEM", "certificate for --tls (with --tls-key)",
       [](C& c, S v, S) { c.server.tls_cert = v; }},
      {"--tls-key", "PEM", "private key for --tls", [](C& c, S v, S) { c.server.tls_key = v; }},
      {"--tls-cert-out", "FILE",
       "where a generated certificate is written\n(default $TMPDIR/workos-mock-PID-cert.pem)",
       [](C& c, S v, S) { c.server.tls_cert_out = v; }},
      {"--smtp-url", "URL",
       "also deliver sent emails over SMTP (smtp://host:port), e.g. to\nMailpit; an "
       "environment's \"smtp_url\" config key overrides it",
       [](C& c, S v, S s) {
         if (v.rfind("smtp://", 0) != 0 && v.rfind("smtps://", 0) != 0)
           Bad(s, "smtp://host:port or smtps://host:port", v);
         c.server.smtp_url = v;
       }},
      {"--interactive", nullptr,
       "the mock IdP of /sso/authorize shows a page to pick or type the\nuser (default: it signs "
       "in the connection's first user at once)",
       [](C& c, S v, S s) { c.server.interactive = Switch(v, s); }},
      {"--seed", "N",
       "deterministic mode: every environment's ids, link tokens, codes,\naccess tokens "
       "(JWT signing key included) and request ids come\nfrom streams seeded with N (0 to "
       "2^53-1) and the environment's\nname, so the same requests get byte-identical answers "
       "(snapshot\ntests). PREDICTABLE: tests only; refused for production\nenvironments "
       "(config key \"seed\" per environment)",
       [](C& c, S v, S s) {
         c.deterministic.seed = static_cast<uint64_t>(Number(v, 0, 9007199254740991L, s));
       }},
      {"--start-time", "TIME",
       "every environment's clock starts at TIME (RFC 3339, e.g.\n2026-01-01T00:00:00Z) and "
       "is frozen: it moves only by POST\n/_mock/clock/advance (config key \"start_time\")",
       [](C& c, S v, S s) {
         auto t = ParseRfc3339(v);
         if (!t || *t < 0) Bad(s, "an RFC 3339 time from 1970 on, e.g. 2026-01-01T00:00:00Z", v);
         c.deterministic.start_time_ms = t;
       }},
      {"--state-file", "PATH",
       "keep every environment's state in PATH: loaded on start when it\nexists, written "
       "atomically every --state-interval-ms when it\nchanged and on SIGTERM/SIGINT "
       "(docs/state.md)",
       [](C& c, S v, S) { c.state_file = v; }},
      {"--state-interval-ms", "N", "how often the state file is written (default 2000)",
       [](C& c, S v, S s) { c.state_interval_ms = Number(v, 10, 3600000, s, " ms"); }},
  };
  return flags;
}

const Flag* Find(const std::string& name) {
  for (const auto& f : Flags())
    if (name == f.name) return &f;
  return nullptr;
}

}  // namespace

CommandLine ParseCommandLine(const std::vector<std::string>& args,
                             const std::function<const char*(const char*)>& getenv) {
  auto only = [](CommandLine::Command command) {
    CommandLine c;
    c.command = command;
    return c;
  };
  // --help and --version work whatever else is set (even a bad variable).
  for (const auto& arg : args) {
    if (arg == "--") break;
    if (arg == "--help" || arg == "-h") return only(CommandLine::Command::kHelp);
    if (arg == "--version") return only(CommandLine::Command::kVersion);
  }
  CommandLine c;
  // The environment first; flags given on the command line then win.
  for (const auto& f : Flags()) {
    const std::string env = EnvName(f.name);
    if (const char* v = getenv(env.c_str())) f.set(c, v, env);
  }
  size_t i = 0;
  if (!args.empty() && args[0] == "exec") {
    c.command = CommandLine::Command::kExec;
    i = 1;
  }
  for (; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (c.command == CommandLine::Command::kExec && arg == "--") {
      c.exec_argv.assign(args.begin() + static_cast<long>(i) + 1, args.end());
      break;
    }
    if (arg == "--print-default-config") return only(CommandLine::Command::kPrintDefaultConfig);
    std::string name = arg, value;
    bool inline_value = false;
    if (auto eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      inline_value = true;
    }
    const Flag* f = Find(name);
    if (!f) {
      if (arg == "exec") throw UsageError("exec comes first: workos-mock exec [flags] -- CMD ...");
      throw UsageError("unknown option '" + arg + "'");
    }
    if (!f->metavar) {
      f->set(c, inline_value ? value : "1", name);
    } else {
      if (!inline_value) {
        if (i + 1 >= args.size()) throw UsageError(name + " needs a value (" + f->metavar + ")");
        value = args[++i];
      }
      f->set(c, value, name);
    }
  }
  if (c.command == CommandLine::Command::kExec && c.exec_argv.empty())
    throw UsageError("exec needs a command: workos-mock exec [flags] -- CMD [ARGS...]");
  if (c.server.tls_cert.empty() != c.server.tls_key.empty())
    throw UsageError("--tls-cert and --tls-key go together");
  if (!c.server.tls_cert.empty()) c.server.tls = true;
  if (c.server.tls && c.server.tls_cert.empty() && c.server.tls_cert_out.empty()) {
    const char* tmp = getenv("TMPDIR");
    c.server.tls_cert_out = std::string(tmp && *tmp ? tmp : "/tmp") + "/workos-mock-" +
                            std::to_string(getpid()) + "-cert.pem";
  }
  return c;
}

std::string VersionText() { return std::string("workos-mock ") + WORKOS_MOCK_VERSION + "\n"; }

std::string UsageText() {
  std::string out =
      "usage: workos-mock [options]\n"
      "       workos-mock exec [options] -- CMD [ARGS...]\n"
      "\n"
      "Every option can also be set by an environment variable, shown under it: the\n"
      "option's name in upper case with '-' as '_' after WORKOS_MOCK_ (switches take\n"
      "1/true/yes/on or 0/false/no/off). An option on the command line wins.\n\n";
  for (const auto& f : Flags()) {
    std::string head = std::string("  ") + f.name + (f.metavar ? std::string(" ") + f.metavar : "");
    std::string help = f.help;
    std::string indent(23, ' ');
    if (head.size() < 22) {
      head.resize(23, ' ');
    } else {
      head += "\n" + indent;
    }
    std::string body;
    for (char ch : help) body += ch == '\n' ? "\n" + indent : std::string(1, ch);
    out += head + body + "\n" + indent + "(env " + EnvName(f.name) + ")\n";
  }
  out +=
      "  --print-default-config  print the embedded default config and exit\n"
      "  --version            print the version and exit\n"
      "  --help               this text\n"
      "\n"
      "exec: starts the server on an ephemeral port (unless --port is given), waits\n"
      "until it answers, runs CMD with the connection in its environment, stops the\n"
      "server cleanly when CMD ends (writing --state-file) and exits with CMD's status\n"
      "(128+N when CMD died of signal N). CMD's environment gets:\n"
      "  WORKOS_BASE_URL       the mock's base URL, e.g. http://127.0.0.1:38211\n"
      "  WORKOS_API_HOSTNAME   its host, WORKOS_API_PORT its port and WORKOS_API_HTTPS\n"
      "                        true/false (the Node SDK's apiHostname/port/https options)\n"
      "  WORKOS_API_KEY        the first environment's API key\n"
      "  WORKOS_CLIENT_ID      the first environment's client id\n"
      "  WORKOS_MOCK_ADMIN_TOKEN  the admin token, when --admin-token is set\n"
      "  WORKOS_CA_FILE, NODE_EXTRA_CA_CERTS  the certificate to trust, with --tls\n"
      "\n"
      "The first line on stdout is \"workos-mock listening on http://HOST:PORT\".\n"
      "The embedded default environment: API key sk_test_workos_mock, client id\n"
      "client_workos_mock, redirect URI http://localhost:3000/callback.\n"
      "\n"
      "Exit codes: 0 stopped by SIGTERM/SIGINT (or --help, --version); 1 cannot serve\n"
      "(the port is busy, the state file is locked by another workos-mock, ...);\n"
      "2 a bad option, variable, config or state file. exec: CMD's exit status, or 2\n"
      "when the server cannot start.\n";
  return out;
}

}  // namespace workos_mock
