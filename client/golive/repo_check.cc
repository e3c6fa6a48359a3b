// repo.no_committed_secrets: runs git in the checkout and feeds the secret scan. See golive.h.
#include "golive/golive.h"

#include <sys/stat.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "golive/process.h"
#include "golive/text.h"

namespace workos {
namespace golive {

CheckResult CheckRepository(const RepoScanOptions& o) {
  const std::string id = "repo.no_committed_secrets";
  const std::string repo = o.repo.empty() ? "." : o.repo;
  auto git = [&](std::vector<std::string> args, size_t max_out) {
    args.insert(args.begin(), {"git", "-C", repo, "-c", "core.quotepath=off"});
    return RunProcess(args, max_out);
  };

  ProcessResult top = git({"rev-parse", "--show-toplevel"}, 1 << 16);
  if (top.exit_code != 0) {
    std::string why = FirstLine(top.err);
    return Fail(id, repo,
                repo + " is not a git checkout (" + (why.empty() ? "git failed" : why) +
                    "): pass --repo with the repository's path (in CI, check it out first)");
  }
  const std::string root = Trim(top.out);

  // The allow file.
  AllowList allow;
  std::string allow_path = o.allow_file.empty() ? root + "/.golive-allow" : o.allow_file;
  std::string allow_text;
  bool have_allow = ReadFile(allow_path, &allow_text);
  if (!have_allow && !o.allow_file.empty()) {
    return Fail(id, repo, "cannot read the allow file " + o.allow_file + ": fix --allow-file");
  }
  std::string allow_rel;  // the allow file's path in the repository (not scanned)
  if (have_allow) {
    std::vector<std::string> errors;
    allow = AllowList::Parse(allow_text, &errors);
    if (!errors.empty()) {
      CheckResult r = Fail(id, repo,
                           "the allow file " + allow_path + " has " +
                               Plural(errors.size(), "bad entry", "bad entries") +
                               ": fix it (whole keys only; see docs/ci.md)");
      for (const std::string& e : errors) r.details.push_back(allow_path + ": " + e);
      return r;
    }
    if (StartsWith(allow_path, root + "/")) allow_rel = allow_path.substr(root.size() + 1);
  }

  // Tracked files, as they are in the working tree.
  ProcessResult ls = git({"ls-files", "-z"}, 256u << 20);
  if (ls.exit_code != 0) {
    return Fail(id, repo, "git ls-files failed: " + FirstLine(ls.err));
  }
  ScanTally tally;
  std::vector<std::string> skipped;
  size_t files = 0;
  for (size_t b = 0; b < ls.out.size();) {
    size_t e = ls.out.find('\0', b);
    if (e == std::string::npos) e = ls.out.size();
    const std::string rel = ls.out.substr(b, e - b);
    b = e + 1;
    if (rel.empty() || rel == allow_rel || rel == ".golive-allow") continue;
    ++files;
    if (IsEnvFile(rel)) {
      if (allow.AllowsEnvFile(rel)) {
        ++tally.allowed;
        tally.allowed_items.insert(rel);
      } else {
        Finding f;
        f.what = Finding::What::kEnvFile;
        f.path = rel;
        tally.findings.push_back(f);
      }
    }
    const std::string full = root + "/" + rel;
    struct stat st;
    if (lstat(full.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;  // deleted, link, module
    if (static_cast<size_t>(st.st_size) > o.max_file_bytes) {
      skipped.push_back(rel);
      continue;
    }
    std::string text;
    if (!ReadFile(full, &text)) continue;
    if (text.find('\0') < 8000) continue;  // binary
    ScanText(rel, text, allow, &tally);
  }

  // History: added lines of the newest commits on every ref.
  int commits = 0;
  bool history_truncated = false;
  bool shallow = false;
  if (o.history_commits > 0) {
    ProcessResult count = git({"rev-list", "--all", "--count"}, 1 << 16);
    if (count.exit_code == 0) commits = std::min(std::atoi(count.out.c_str()), o.history_commits);
    ProcessResult sh = git({"rev-parse", "--is-shallow-repository"}, 1 << 16);
    shallow = Trim(sh.out) == "true";
    if (commits > 0) {
      ProcessResult log =
          git({"log", "--all", "-p", "-U0", "--no-color", "--no-ext-diff", "--no-textconv",
               "--no-renames", "--max-count=" + std::to_string(o.history_commits),
               std::string("--format=") + kHistoryFormat},
              256u << 20);
      if (log.exit_code != 0 && !log.truncated) {
        return Fail(id, repo, "git log failed: " + FirstLine(log.err));
      }
      history_truncated = log.truncated;
      // History reports only what the tracked files do not already show: keys that were
      // "removed" but stay in history, and dotenv files that were deleted since.
      std::set<std::string> current;
      for (const Finding& f : tally.findings)
        current.insert(f.what == Finding::What::kKey ? f.key : f.path);
      ScanTally past;
      ScanHistory(log.out, allow, &past);
      tally.allowed += past.allowed;
      tally.allowed_items.insert(past.allowed_items.begin(), past.allowed_items.end());
      for (const Finding& f : past.findings) {
        // The allow file is not scanned, in its history either: it lists the allowed keys.
        if (f.path == ".golive-allow" || (!allow_rel.empty() && f.path == allow_rel)) continue;
        if (!current.count(f.what == Finding::What::kKey ? f.key : f.path))
          tally.findings.push_back(f);
      }
    }
  }

  std::string scope = Plural(files, "tracked file", "tracked files");
  if (o.history_commits > 0) {
    scope += " and " + Plural(static_cast<size_t>(commits), "commit", "commits") + " of history";
  }
  std::string notes;
  if (!tally.allowed_items.empty()) {
    notes += "; allowed: " +
             Plural(tally.allowed_items.size(), "test key or file", "test keys or files") + " (" +
             std::to_string(tally.allowed) + " places, by " +
             (have_allow ? ".golive-allow or " : "") + kAllowMarker + ")";
  }
  if (shallow) notes += "; shallow clone: fetch full history (fetch-depth: 0) to scan it all";
  if (history_truncated) notes += "; history output over 256 MiB was cut short";

  CheckResult r;
  if (tally.findings.empty()) {
    r = Pass(id, repo, "no WorkOS secret keys or .env files in " + scope + notes);
  } else {
    size_t in_files = 0, in_history = 0;
    for (const Finding& f : tally.findings) {
      (f.where == Finding::Where::kTrackedFile ? in_files : in_history)++;
    }
    r = Fail(id, repo,
             Plural(tally.findings.size(), "committed secret", "committed secrets") + " (" +
                 std::to_string(in_files) + " in tracked files, " + std::to_string(in_history) +
                 " in history): remove them and rotate any real key in the dashboard (history "
                 "keeps it); list test-only keys in .golive-allow");
    for (const Finding& f : tally.findings) r.details.push_back(f.Describe());
  }
  for (const std::string& s : skipped) {
    r.details.push_back(s + ": not scanned (larger than " + std::to_string(o.max_file_bytes >> 20) +
                        " MiB)");
  }
  return r;
}

}  // namespace golive
}  // namespace workos
