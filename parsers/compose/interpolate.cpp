#include "parsers/compose/interpolate.hpp"

#include <cctype>

namespace infralint::compose {

namespace {

bool name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// Finds the '}' closing the "${" at `open`, skipping nested "${...}".
size_t closing_brace(std::string_view s, size_t open) {
  int depth = 0;
  for (size_t i = open; i < s.size(); ++i) {
    if (s[i] == '$' && i + 1 < s.size() && s[i + 1] == '{') {
      ++depth;
      ++i;
    } else if (s[i] == '}') {
      if (--depth == 0) return i;
    }
  }
  return std::string_view::npos;
}

}  // namespace

Interpolated interpolate(std::string_view s, const Env& env) {
  Interpolated r;
  std::string out;
  bool unknown = false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c != '$' || i + 1 >= s.size()) {
      out += c;
      continue;
    }
    const char n = s[i + 1];
    if (n == '$') {
      out += '$';
      ++i;
      continue;
    }
    std::string name;
    std::string op;
    std::string_view word;
    if (n == '{') {
      const size_t close = closing_brace(s, i);
      if (close == std::string_view::npos) {
        r.error = "unterminated \"${\" in \"" + std::string(s) + "\"";
        out.append(s.substr(i));
        break;
      }
      std::string_view inner = s.substr(i + 2, close - i - 2);
      size_t k = 0;
      while (k < inner.size() && name_char(inner[k])) ++k;
      name = std::string(inner.substr(0, k));
      std::string_view rest = inner.substr(k);
      if (name.empty()) {
        r.error = "invalid interpolation \"${" + std::string(inner) + "}\"";
        out.append(s.substr(i, close - i + 1));
        i = close;
        continue;
      }
      for (std::string_view o : {":-", ":?", ":+", "-", "?", "+"}) {
        if (rest.substr(0, o.size()) == o) {
          op = std::string(o);
          word = rest.substr(o.size());
          break;
        }
      }
      if (op.empty() && !rest.empty()) {
        r.error = "invalid interpolation \"${" + std::string(inner) + "}\"";
        out.append(s.substr(i, close - i + 1));
        i = close;
        continue;
      }
      i = close;
    } else if (name_char(n) && !std::isdigit(static_cast<unsigned char>(n))) {
      size_t j = i + 1;
      while (j < s.size() && name_char(s[j])) ++j;
      name = std::string(s.substr(i + 1, j - i - 1));
      i = j - 1;
    } else {
      out += c;
      continue;
    }
    auto it = env.find(name);
    const bool set = it != env.end();
    const bool nonempty = set && !it->second.empty();
    auto use_word = [&]() {
      Interpolated w = interpolate(word, env);
      r.used_env |= w.used_env;
      if (!w.error.empty()) r.error = w.error;
      if (!w.value) {
        unknown = true;
      } else {
        out += *w.value;
      }
    };
    if (op == ":-" || op == "-") {
      if (op == ":-" ? nonempty : set) {
        out += it->second;
        r.used_env = true;
      } else {
        use_word();
      }
    } else if (op == ":?" || op == "?") {
      if (op == ":?" ? nonempty : set) {
        out += it->second;
        r.used_env = true;
      } else {
        unknown = true;  // compose would stop with the error message
      }
    } else if (op == ":+" || op == "+") {
      if (op == ":+" ? nonempty : set) use_word();
      if (set) r.used_env = true;
    } else if (set) {
      out += it->second;
      r.used_env = true;
    } else {
      unknown = true;
    }
  }
  if (!unknown) r.value = std::move(out);
  return r;
}

Env parse_env_file(std::string_view text) {
  Env env;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.empty() || line[0] == '#') continue;
    if (line.substr(0, 7) == "export ") line.remove_prefix(7);
    const size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view key = line.substr(0, eq);
    while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) key.remove_suffix(1);
    std::string_view raw = line.substr(eq + 1);
    while (!raw.empty() && (raw.front() == ' ' || raw.front() == '\t')) raw.remove_prefix(1);
    std::string value;
    if (!raw.empty() && raw[0] == '\'') {
      const size_t close = raw.find('\'', 1);
      value =
          std::string(raw.substr(1, close == std::string_view::npos ? raw.size() - 1 : close - 1));
    } else if (!raw.empty() && raw[0] == '"') {
      size_t i = 1;
      for (; i < raw.size() && raw[i] != '"'; ++i) {
        if (raw[i] == '\\' && i + 1 < raw.size()) {
          const char e = raw[++i];
          value += e == 'n' ? '\n' : e == 't' ? '\t' : e;
        } else {
          value += raw[i];
        }
      }
      Interpolated v = interpolate(value, env);
      if (v.value) value = *v.value;
    } else {
      // An unquoted value ends at " #" (an inline comment).
      const size_t hash = raw.find(" #");
      if (hash != std::string_view::npos) raw = raw.substr(0, hash);
      while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\t')) raw.remove_suffix(1);
      value = std::string(raw);
    }
    env[std::string(key)] = std::move(value);
  }
  return env;
}

}  // namespace infralint::compose
