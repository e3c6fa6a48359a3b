// What a WorkOS secret key looks like in text, and which key-shaped strings are placeholders.
// See golive.h ("committed secrets").
#include "golive/golive.h"

#include <set>

#include "golive/text.h"

namespace workos {
namespace golive {

namespace {
bool IsKeyChar(char c) { return IsAlnum(c) || c == '_' || c == '-'; }
}  // namespace

namespace {

// Calls fn(key, text after it) for each key-shaped string of the line.
template <typename Fn>
void ForEachKeyShape(const std::string& line, Fn fn) {
  size_t pos = 0;
  while ((pos = line.find("sk_", pos)) != std::string::npos) {
    const size_t start = pos;
    pos += 3;
    if (start > 0 && IsKeyChar(line[start - 1])) continue;  // part of a longer word
    if (line.compare(start, 8, "sk_live_") != 0 && line.compare(start, 8, "sk_test_") != 0) {
      continue;
    }
    size_t end = start + 8;
    while (end < line.size() && IsKeyChar(line[end])) ++end;
    pos = end;
    if (end - start - 8 < kMinKeyBody) continue;
    fn(line.substr(start, end - start), line.substr(end, 96));
  }
}

bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsLower(char c) { return c >= 'a' && c <= 'z'; }

// The words of a key's tail: split at '_' and '-', where letters and digits meet, and (in tails
// without digits, such as YourApiKey) where a lower-case letter meets an upper-case one. Each word
// remembers whether a separator or an end of the tail bounds it on both sides.
struct TailWord {
  std::string text;
  bool separated = false;
};
std::vector<TailWord> TailWords(const std::string& tail) {
  const bool has_digit = std::any_of(tail.begin(), tail.end(), IsDigit);
  std::vector<TailWord> words;
  std::string cur;
  bool open_sep = true;  // what bounds the current word on the left
  auto flush = [&](bool close_sep) {
    if (!cur.empty()) words.push_back({cur, open_sep && close_sep});
    cur.clear();
    open_sep = close_sep;
  };
  for (char c : tail) {
    if (c == '_' || c == '-') {
      flush(true);
      continue;
    }
    if (!cur.empty()) {
      const char p = cur.back();
      if (IsDigit(p) != IsDigit(c) || (!has_digit && IsLower(p) && IsUpper(c))) flush(false);
    }
    cur += c;
  }
  flush(true);
  return words;
}

// "your", "YOUR" or "Your" — how people write words; random tails mix cases ("yOuR").
bool UniformCase(const std::string& w) {
  const bool lower = std::none_of(w.begin(), w.end(), IsUpper);
  const bool upper = std::none_of(w.begin(), w.end(), IsLower);
  const bool capital =
      !w.empty() && !IsLower(w[0]) && std::none_of(w.begin() + 1, w.end(), IsUpper);
  return lower || upper || capital;
}

// A template glued to the key, e.g. "<rest of key>" or "<REDACTED>"; not an HTML tag ("</code>",
// "<br>", "<span class=x>").
bool StartsWithTemplate(const std::string& next) {
  if (next.size() < 3 || next[0] != '<' || next[1] == '/') return false;
  const size_t close = next.find('>');
  if (close == std::string::npos || close > 80) return false;
  const std::string inner = next.substr(1, close - 1);
  if (inner.find_first_of("<=\"'") != std::string::npos) return false;
  return std::any_of(inner.begin(), inner.end(), [](char c) {
    return c == ' ' || c == '_' || c == '-' || c == '.' || IsUpper(c) ||
           static_cast<unsigned char>(c) >= 0x80;  // "…"
  });
}

}  // namespace

std::string PlaceholderReason(const std::string& key, const std::string& next) {
  const std::string tail = key.size() > 8 ? key.substr(8) : "";
  if (StartsWithTemplate(next)) return "a template in angle brackets follows it";

  // Placeholder words, written as words (one case, or capitalised).
  static const std::set<std::string> kWords = {
      "your",  "yours", "here",    "example",   "examples", "sample", "samples",  "placeholder",
      "dummy", "fake",  "replace", "replaceme", "changeme", "insert", "redacted", "todo"};
  for (const TailWord& tw : TailWords(tail)) {
    const std::string& w = tw.text;
    const bool xs = std::all_of(w.begin(), w.end(), [&](char c) { return c == w[0]; }) &&
                    (w[0] == 'x' || w[0] == 'X');
    if (xs && (w.size() >= 4 || (w.size() == 3 && tw.separated))) {
      return "a placeholder word ('" + w + "')";
    }
    if (!UniformCase(w)) continue;
    const std::string lw = ToLower(w);
    if (kWords.count(lw)) return "a placeholder word ('" + w + "')";
    for (const char* long_word : {"placeholder", "example", "changeme", "redacted", "replace"}) {
      if (lw.find(long_word) != std::string::npos) {
        return "a placeholder word ('" + std::string(long_word) + "')";
      }
    }
  }
  std::string joined;  // the tail without separators
  for (char c : tail) {
    if (c != '_' && c != '-') joined += c;
  }
  for (const char* w : {"your", "YOUR", "Your"}) {
    if (StartsWith(joined, w)) return "a placeholder word ('" + std::string(w) + "')";
  }
  for (const char* w : {"here", "HERE", "Here"}) {
    if (EndsWith(joined, w)) return "a placeholder word ('" + std::string(w) + "')";
  }
  const std::string flat = ToLower(joined);
  if (flat.empty()) return "no characters but separators";

  // Low entropy: few distinct characters, or a short unit repeated.
  std::set<char> distinct(flat.begin(), flat.end());
  if (distinct.size() <= 3) {
    return "low-entropy (" + std::to_string(distinct.size()) + " distinct characters)";
  }
  for (size_t period = 1; period * 2 <= flat.size(); ++period) {
    bool repeats = true;
    for (size_t i = period; i < flat.size() && repeats; ++i) repeats = flat[i] == flat[i - period];
    if (repeats) return "low-entropy ('" + flat.substr(0, period) + "' repeated)";
  }

  // Sequential: nearly every step is +1 or -1 (9 -> 0 and z -> a wrap).
  size_t steps = 0;
  for (size_t i = 1; i < flat.size(); ++i) {
    const char a = flat[i - 1], b = flat[i];
    const bool same_class = IsDigit(a) == IsDigit(b);
    const int d = b - a;
    if (same_class && (d == 1 || d == -1 || (a == '9' && b == '0') || (a == 'z' && b == 'a'))) {
      ++steps;
    }
  }
  if (flat.size() >= 2 && steps * 4 >= (flat.size() - 1) * 3) return "sequential characters";
  return "";
}

std::vector<std::string> FindKeyShapes(const std::string& line) {
  std::vector<std::string> out;
  ForEachKeyShape(line, [&](const std::string& key, const std::string&) { out.push_back(key); });
  return out;
}

std::vector<std::string> FindKeys(const std::string& line) {
  std::vector<std::string> out;
  ForEachKeyShape(line, [&](const std::string& key, const std::string& next) {
    if (PlaceholderReason(key, next).empty()) out.push_back(key);
  });
  return out;
}

}  // namespace golive
}  // namespace workos
