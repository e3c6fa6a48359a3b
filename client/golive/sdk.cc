// Which official SDK an app uses, and how to point each one at the mock. See golive.h.
#include "golive/golive.h"

#include <sys/stat.h>

#include <algorithm>
#include <sstream>

#include "golive/process.h"
#include "golive/text.h"

namespace workos {
namespace golive {

const char* SdkName(Sdk sdk) {
  switch (sdk) {
    case Sdk::kNode:
      return "Node (@workos-inc/node)";
    case Sdk::kPython:
      return "Python (workos)";
    case Sdk::kRuby:
      return "Ruby (workos gem)";
    case Sdk::kGo:
      return "Go (workos-go)";
    case Sdk::kPhp:
      return "PHP (workos/workos-php)";
  }
  return "?";
}

namespace {

// `name` as a whole package name in `text`: not part of a longer name (workos-sso, myworkos).
bool NamesPackage(const std::string& text, const std::string& name) {
  auto part = [](char c) { return IsAlnum(c) || c == '-' || c == '_' || c == '.' || c == '/'; };
  const std::string lower = ToLower(text);
  for (size_t p = lower.find(name); p != std::string::npos; p = lower.find(name, p + 1)) {
    const bool start_ok = p == 0 || !part(lower[p - 1]);
    const size_t e = p + name.size();
    const bool end_ok = e >= lower.size() || !part(lower[e]) || lower[e] == '.';
    if (start_ok && end_ok &&
        !(e < lower.size() && lower[e] == '.' && e + 1 < lower.size() && IsAlnum(lower[e + 1]))) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::optional<Sdk> SdkFromManifest(const std::string& path, const std::string& text) {
  const size_t slash = path.rfind('/');
  const std::string base = ToLower(slash == std::string::npos ? path : path.substr(slash + 1));
  if (base == "package.json") {
    if (text.find("\"@workos-inc/node\"") != std::string::npos) return Sdk::kNode;
    return std::nullopt;
  }
  if (base == "go.mod") {
    if (text.find("github.com/workos/workos-go") != std::string::npos) return Sdk::kGo;
    return std::nullopt;
  }
  if (base == "composer.json") {
    if (text.find("\"workos/workos-php\"") != std::string::npos) return Sdk::kPhp;
    return std::nullopt;
  }
  if (base == "gemfile" || EndsWith(base, ".gemspec")) {
    if (text.find("'workos'") != std::string::npos || text.find("\"workos\"") != std::string::npos)
      return Sdk::kRuby;
    return std::nullopt;
  }
  const bool python = (StartsWith(base, "requirements") && EndsWith(base, ".txt")) ||
                      base == "pyproject.toml" || base == "pipfile" || base == "setup.py" ||
                      base == "setup.cfg";
  if (python && NamesPackage(text, "workos")) return Sdk::kPython;
  return std::nullopt;
}

std::vector<Sdk> DetectSdks(const std::string& repo) {
  ProcessResult ls = RunProcess(
      {"git", "-C", repo.empty() ? "." : repo, "-c", "core.quotepath=off", "ls-files", "-z"},
      64u << 20);
  std::set<Sdk> found;
  if (ls.exit_code != 0) return {};
  ProcessResult top =
      RunProcess({"git", "-C", repo.empty() ? "." : repo, "rev-parse", "--show-toplevel"}, 1 << 16);
  const std::string root = Trim(top.out);
  for (size_t b = 0; b < ls.out.size();) {
    size_t e = ls.out.find('\0', b);
    if (e == std::string::npos) e = ls.out.size();
    const std::string rel = ls.out.substr(b, e - b);
    b = e + 1;
    if (rel.find("node_modules/") != std::string::npos || StartsWith(rel, "vendor/") ||
        rel.find("/vendor/") != std::string::npos) {
      continue;
    }
    // Only manifests: SdkFromManifest of an empty text is cheap and says whether the name fits.
    const size_t slash = rel.rfind('/');
    const std::string base = ToLower(slash == std::string::npos ? rel : rel.substr(slash + 1));
    const bool manifest = base == "package.json" || base == "go.mod" || base == "composer.json" ||
                          base == "gemfile" || EndsWith(base, ".gemspec") ||
                          (StartsWith(base, "requirements") && EndsWith(base, ".txt")) ||
                          base == "pyproject.toml" || base == "pipfile" || base == "setup.py" ||
                          base == "setup.cfg";
    if (!manifest) continue;
    struct stat st;
    const std::string full = root + "/" + rel;
    if (stat(full.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > (1 << 20)) continue;
    std::string text;
    if (!ReadFile(full, &text)) continue;
    if (auto sdk = SdkFromManifest(rel, text)) found.insert(*sdk);
  }
  return std::vector<Sdk>(found.begin(), found.end());
}

std::string SdkBaseUrlHint(Sdk sdk, const std::string& mock_url) {
  // scheme://host[:port]
  std::string scheme = "http", host = "127.0.0.1", port;
  const size_t colon = mock_url.find("://");
  if (colon != std::string::npos) {
    scheme = ToLower(mock_url.substr(0, colon));
    std::string authority = mock_url.substr(colon + 3);
    authority = authority.substr(0, authority.find_first_of("/?#"));
    const size_t pc = authority.rfind(':');
    if (pc != std::string::npos && authority.find(']', pc) == std::string::npos) {
      port = authority.substr(pc + 1);
      host = authority.substr(0, pc);
    } else {
      host = authority;
    }
  }
  const std::string url = mock_url.empty() ? "http://127.0.0.1:4400" : mock_url;
  switch (sdk) {
    case Sdk::kNode:
      return std::string(SdkName(sdk)) +
             ": reads WORKOS_API_KEY and WORKOS_CLIENT_ID but no base-URL variable; construct it "
             "with new WorkOS(apiKey, { apiHostname: '" +
             host + "'" + (port.empty() ? "" : ", port: " + port) +
             ", https: " + (scheme == "https" ? "true" : "false") + " })";
    case Sdk::kPython:
      return std::string(SdkName(sdk)) + ": reads WORKOS_BASE_URL: set WORKOS_BASE_URL=" + url +
             " for the app (or WorkOSClient(base_url='" + url + "'))";
    case Sdk::kRuby:
      return std::string(SdkName(sdk)) +
             ": reads no base-URL variable; WorkOS.configure { |c| c.base_url = '" + url +
             "' } (or WorkOS::Client.new(base_url: '" + url + "'))";
    case Sdk::kGo:
      return std::string(SdkName(sdk)) +
             ": reads no variables; workos.NewClient(apiKey, workos.WithBaseURL(\"" + url + "\"))";
    case Sdk::kPhp:
      return std::string(SdkName(sdk)) +
             ": reads WORKOS_API_KEY and WORKOS_CLIENT_ID but no base-URL variable; new "
             "\\WorkOS\\WorkOS(baseUrl: '" +
             url + "')";
  }
  return "";
}

}  // namespace golive
}  // namespace workos
