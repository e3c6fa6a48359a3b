// The secret scan's text side: dotenv files, the allow file, and the scan of tracked files and of
// `git log -p` output. See golive.h ("committed secrets").
#include "golive/golive.h"

#include <fnmatch.h>

#include <set>
#include <sstream>

#include "golive/text.h"

namespace workos {
namespace golive {

bool IsEnvFile(const std::string& path) {
  size_t slash = path.rfind('/');
  const std::string base = ToLower(slash == std::string::npos ? path : path.substr(slash + 1));
  static const char* const kTemplates[] = {"example", "sample", "template", "dist", "defaults"};
  if (base == ".env") return true;
  if (StartsWith(base, ".env.")) {
    const std::string rest = base.substr(5);
    for (const char* t : kTemplates) {
      if (rest == t || StartsWith(rest, std::string(t) + ".") ||
          EndsWith(rest, std::string(".") + t)) {
        return false;
      }
    }
    return true;
  }
  if (EndsWith(base, ".env") && base.size() > 4) {
    const std::string stem = base.substr(0, base.size() - 4);
    for (const char* t : kTemplates) {
      if (stem == t || EndsWith(stem, std::string(".") + t)) return false;
    }
    return true;
  }
  return false;
}

bool GlobMatch(const std::string& glob, const std::string& path) {
  return fnmatch(glob.c_str(), path.c_str(), 0) == 0;
}

AllowList AllowList::Parse(const std::string& text, std::vector<std::string>* errors) {
  AllowList a;
  std::istringstream in(text);
  std::string raw;
  int n = 0;
  while (std::getline(in, raw)) {
    ++n;
    std::string line = raw;
    size_t hash = line.find('#');
    if (hash != std::string::npos) line.resize(hash);
    std::istringstream words(line);
    std::vector<std::string> w;
    for (std::string s; words >> s;) w.push_back(s);
    if (w.empty()) continue;
    auto error = [&](const std::string& msg) {
      if (errors) errors->push_back("line " + std::to_string(n) + ": " + msg);
    };
    if (w[0] == "env-file") {
      if (w.size() < 2) {
        error("env-file needs a path (glob)");
        continue;
      }
      a.env_files.insert(a.env_files.end(), w.begin() + 1, w.end());
      continue;
    }
    std::vector<std::string> keys = FindKeyShapes(w[0]);
    if (keys.size() != 1 || keys[0] != w[0]) {
      error("'" + (StartsWith(w[0], "sk_") ? RedactKey(w[0]) : w[0]) +
            "' is not a whole key (sk_live_…/sk_test_… of at least " + std::to_string(kMinKeyBody) +
            " characters); prefixes and patterns are not allowed, list each key");
      continue;
    }
    a.keys.push_back(KeyEntry{w[0], std::vector<std::string>(w.begin() + 1, w.end())});
  }
  return a;
}

bool AllowList::AllowsKey(const std::string& key, const std::string& path) const {
  for (const KeyEntry& e : keys) {
    if (e.key != key) continue;
    if (e.globs.empty()) return true;
    for (const std::string& g : e.globs) {
      if (GlobMatch(g, path)) return true;
    }
  }
  return false;
}

bool AllowList::AllowsEnvFile(const std::string& path) const {
  for (const std::string& g : env_files) {
    if (GlobMatch(g, path)) return true;
  }
  return false;
}

std::string Finding::Describe() const {
  std::string where_text = path;
  if (line > 0) where_text += ":" + std::to_string(line);
  if (where == Where::kHistory) where_text = "commit " + commit + " " + where_text;
  if (what == What::kEnvFile) {
    return where_text + ": dotenv file " +
           (where == Where::kHistory ? "added in history" : "is tracked");
  }
  return where_text + ": " + RedactKey(key) +
         (where == Where::kHistory ? " (added in history)" : "");
}

void ScanText(const std::string& path, const std::string& text, const AllowList& allow,
              ScanTally* tally) {
  size_t begin = 0;
  int line_no = 0;
  while (begin <= text.size()) {
    size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    ++line_no;
    const std::string line = text.substr(begin, end - begin);
    if (line.find("sk_") != std::string::npos) {
      const bool marked = line.find(kAllowMarker) != std::string::npos;
      for (const std::string& key : FindKeys(line)) {
        if (marked || allow.AllowsKey(key, path)) {
          ++tally->allowed;
          tally->allowed_items.insert(key);
          continue;
        }
        Finding f;
        f.where = Finding::Where::kTrackedFile;
        f.path = path;
        f.line = line_no;
        f.key = key;
        tally->findings.push_back(f);
      }
    }
    if (end == text.size()) break;
    begin = end + 1;
  }
}

namespace {
// "a/P b/P" (no renames) → P; handles git's quoted form only approximately.
std::string DiffGitPath(const std::string& rest) {
  if (rest.size() >= 5 && StartsWith(rest, "a/") && (rest.size() - 5) % 2 == 0) {
    const size_t n = (rest.size() - 5) / 2;
    if (rest.compare(2 + n, 3, " b/") == 0 && rest.compare(2, n, rest, 5 + n, n) == 0) {
      return rest.substr(2, n);
    }
  }
  size_t b = rest.rfind(" b/");
  if (b != std::string::npos) return rest.substr(b + 3);
  size_t qb = rest.rfind(" \"b/");
  if (qb != std::string::npos) {
    std::string p = rest.substr(qb + 4);
    if (!p.empty() && p.back() == '"') p.pop_back();
    return p;
  }
  return rest;
}
}  // namespace

void ScanHistory(const std::string& log_patch, const AllowList& allow, ScanTally* tally) {
  const std::string kCommit = "\x01golive-commit ";
  std::set<std::pair<std::string, std::string>> seen_keys;  // (key, path)
  std::set<std::string> seen_env;
  std::string commit, path;
  bool in_header = false;  // between "diff --git" and the first "@@"
  int new_line = 0;
  size_t begin = 0;
  while (begin < log_patch.size()) {
    size_t end = log_patch.find('\n', begin);
    if (end == std::string::npos) end = log_patch.size();
    const std::string line = log_patch.substr(begin, end - begin);
    begin = end + 1;

    if (StartsWith(line, kCommit)) {
      commit = line.substr(kCommit.size());
      in_header = false;
      path.clear();
      continue;
    }
    if (StartsWith(line, "diff --git ")) {
      path = DiffGitPath(line.substr(11));
      in_header = true;
      continue;
    }
    if (in_header) {
      if (StartsWith(line, "new file mode") && IsEnvFile(path) && seen_env.insert(path).second) {
        if (allow.AllowsEnvFile(path)) {
          ++tally->allowed;
          tally->allowed_items.insert(path);
        } else {
          Finding f;
          f.where = Finding::Where::kHistory;
          f.what = Finding::What::kEnvFile;
          f.path = path;
          f.commit = commit;
          tally->findings.push_back(f);
        }
      } else if (StartsWith(line, "+++ ")) {
        std::string p = line.substr(4);
        if (StartsWith(p, "b/")) path = p.substr(2);
      } else if (StartsWith(line, "@@")) {
        in_header = false;
      }
      if (in_header) continue;
    }
    if (StartsWith(line, "@@")) {
      // @@ -a[,b] +c[,d] @@
      size_t plus = line.find(" +");
      new_line = plus == std::string::npos ? 0 : std::atoi(line.c_str() + plus + 2);
      continue;
    }
    if (line.empty() || path.empty()) continue;
    if (line[0] == '+') {
      const std::string added = line.substr(1);
      const int at = new_line++;
      if (added.find("sk_") == std::string::npos) continue;
      const bool marked = added.find(kAllowMarker) != std::string::npos;
      for (const std::string& key : FindKeys(added)) {
        if (!seen_keys.insert({key, path}).second) continue;
        if (marked || allow.AllowsKey(key, path)) {
          ++tally->allowed;
          tally->allowed_items.insert(key);
          continue;
        }
        Finding f;
        f.where = Finding::Where::kHistory;
        f.path = path;
        f.line = at;
        f.commit = commit;
        f.key = key;
        tally->findings.push_back(f);
      }
    } else if (line[0] == ' ') {
      ++new_line;
    }
  }
}

}  // namespace golive
}  // namespace workos
