#include "parley/engine/shards.hpp"

#include <algorithm>
#include <set>

namespace parley::engine {

Span shard_slice(std::uint64_t k, std::uint64_t n, std::uint64_t total) {
  // floor(j total / n) = j q + floor(j r / n) with total = q n + r: no overflow of j total.
  const std::uint64_t q = total / n, r = total % n;
  auto start = [&](std::uint64_t j) { return j * q + j * r / n; };
  return {start(k - 1), start(k)};
}

std::optional<std::pair<std::uint64_t, std::uint64_t>> parse_shard_label(const std::string& text) {
  const auto slash = text.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == text.size()) return std::nullopt;
  auto whole_number = [](const std::string& part) -> std::optional<std::uint64_t> {
    if (part.empty() || part.size() > 18 ||
        part.find_first_not_of("0123456789") != std::string::npos) {
      return std::nullopt;
    }
    return std::stoull(part);
  };
  const auto k = whole_number(text.substr(0, slash));
  const auto n = whole_number(text.substr(slash + 1));
  if (!k || !n || *k < 1 || *k > *n) return std::nullopt;
  return std::pair{*k, *n};
}

Selection select_all(std::uint64_t whole) {
  return {{0, whole}, whole, "", ""};
}

Selection select_shard(std::uint64_t k, std::uint64_t n, std::uint64_t whole,
                       const std::string& unit) {
  const std::string label = std::to_string(k) + "/" + std::to_string(n);
  if (n > whole) {
    throw PlanError("--shard " + label + ": more shards than the " + std::to_string(whole) + " " +
                    unit + " (allowed: N <= " + unit + ")");
  }
  return {shard_slice(k, n, whole), whole, label,
          ".shard-" + std::to_string(k) + "-of-" + std::to_string(n)};
}

Selection select_range(std::uint64_t a, std::uint64_t b) {
  return {{a, b},
          b,
          std::to_string(a) + ":" + std::to_string(b),
          ".runs-" + std::to_string(a) + "-" + std::to_string(b)};
}

Coverage coverage(std::vector<Span> held, std::uint64_t total) {
  Coverage c;
  c.total = total;
  for (const Span& s : held) c.total = std::max(c.total, s.end);
  std::sort(held.begin(), held.end(),
            [](const Span& x, const Span& y) { return x.first < y.first; });
  std::uint64_t covered = 0;  // [0, covered) is held
  for (const Span& s : held) {
    if (s.first > covered) c.gaps.push_back({covered, s.first});
    if (s.first < covered) c.overlaps.push_back({s.first, std::min(covered, s.end)});
    covered = std::max(covered, s.end);
  }
  if (covered < c.total) c.gaps.push_back({covered, c.total});
  return c;
}

std::string ranges(const std::vector<Span>& spans) {
  std::string out;
  for (const Span& s : spans) {
    out += (out.empty() ? "" : ", ") + std::to_string(s.first) + ":" + std::to_string(s.end);
  }
  return out;
}

std::optional<MissingShards> missing_shards(const std::vector<std::string>& present) {
  std::set<std::uint64_t> seen;
  std::uint64_t of = 0;
  for (const auto& label : present) {
    const auto kn = parse_shard_label(label);
    if (!kn) continue;
    seen.insert(kn->first);
    of = std::max(of, kn->second);
  }
  if (of == 0) return std::nullopt;
  MissingShards m;
  m.of = of;
  std::uint64_t next = 1;  // the first shard number not yet accounted for
  for (const std::uint64_t k : seen) {
    if (k > next) m.missing.emplace_back(next, k - 1);
    next = k + 1;
  }
  if (next <= of) m.missing.emplace_back(next, of);
  return m;
}

std::string MissingShards::text() const {
  std::string out;
  for (const auto& [a, b] : missing) {
    out += (out.empty() ? "" : " ") + std::to_string(a);
    if (b > a) out += "-" + std::to_string(b);
  }
  return out;
}

}  // namespace parley::engine
