// Argument parsing and the pieces of the command tree: see command.h.
#include "command.h"

#include <cstdint>
#include <iostream>
#include <sstream>
#include <stdexcept>

namespace workos_cli {

Parsed Parse(const std::vector<std::string>& args, const Spec& spec) {
  Parsed p;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.size() > 2 && a.rfind("--", 0) == 0) {
      std::string name = a, value;
      bool inline_value = false;
      size_t eq = a.find('=');
      if (eq != std::string::npos) {
        name = a.substr(0, eq);
        value = a.substr(eq + 1);
        inline_value = true;
      }
      if (spec.value_flags.count(name)) {
        if (!inline_value) {
          if (i + 1 >= args.size()) throw UsageError{name + " needs a value"};
          value = args[++i];
        }
        p.values[name].push_back(value);
      } else if (spec.switch_flags.count(name) && !inline_value) {
        p.switches.insert(name);
      } else {
        throw UsageError{"unknown option " + name};
      }
    } else {
      p.positional.push_back(a);
    }
  }
  if (p.positional.size() < spec.min_positional) throw UsageError{"missing argument"};
  if (p.positional.size() > spec.max_positional) {
    throw UsageError{"unexpected argument '" + p.positional[spec.max_positional] + "'"};
  }
  return p;
}

int ToInt(const std::string& flag, const std::string& v) {
  try {
    size_t used = 0;
    long long n = std::stoll(v, &used);
    if (used != v.size() || n < INT32_MIN || n > INT32_MAX) throw std::invalid_argument(v);
    return static_cast<int>(n);
  } catch (const std::exception&) {
    throw UsageError{flag + " must be an integer (got '" + v + "')"};
  }
}

std::string Require(const Parsed& p, const std::string& flag) {
  std::string v = p.get(flag);
  if (v.empty()) throw UsageError{flag + " is required"};
  return v;
}

int Action::PrintJson(const json& out, const Context& c) {
  std::cout << Replace(out.dump(2), c.config.api_key) << "\n";
  return kExitOk;
}

std::string GroupHelp(const Command& c, const std::string& path) {
  std::ostringstream out;
  out << "Usage: " << path << " <command> [options]\n";
  if (!c.summary.empty()) out << "  " << c.summary << "\n";
  out << "Commands:\n";
  for (const Command& child : c.children) {
    out << "  " << child.name
        << std::string(child.name.size() < 16 ? 16 - child.name.size() : 1, ' ') << child.summary
        << "\n";
  }
  out << "Run '" << path << " <command> --help' for more.\n";
  return out.str();
}

std::string Replace(std::string text, const std::string& secret) {
  if (secret.size() < 4) return text;
  for (size_t pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos)) {
    text.replace(pos, secret.size(), "[REDACTED]");
  }
  return text;
}

}  // namespace workos_cli
