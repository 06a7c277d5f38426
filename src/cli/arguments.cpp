#include "arguments.hpp"

#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "commands.hpp"
#include "parley/engine/shards.hpp"
#include "parley/scenario/diagnostics.hpp"

namespace parley::cli {

namespace po = boost::program_options;

namespace {

// Boost's default style, without guessing: --run is an unknown option, not --runs.
constexpr int kStyle =
    po::command_line_style::default_style & ~po::command_line_style::allow_guessing;

// The value given to `option` on the command line ("--runs many" or "--runs=many").
std::string given_value(const std::vector<std::string>& args, const std::string& option) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == option && i + 1 < args.size()) return args[i + 1];
    if (args[i].rfind(option + "=", 0) == 0) return args[i].substr(option.size() + 1);
  }
  return "";
}

// Boost's messages for unknown options and unreadable values, in the project's form:
// "option: problem (allowed: ...)".
[[noreturn]] void rethrow_readably(const po::options_description& visible,
                                   const std::vector<std::string>& args) {
  try {
    throw;
  } catch (const po::unknown_option& e) {
    std::vector<std::string> names;
    for (const auto& o : visible.options()) names.push_back("--" + o->long_name());
    std::string allowed = "allowed: ";
    for (std::size_t i = 0; i < names.size(); ++i) allowed += (i ? ", " : "") + names[i];
    const std::string hint = scenario::closest_match(e.get_option_name(), names);
    if (!hint.empty()) allowed += "; did you mean '" + hint + "'?";
    throw UsageError(e.get_option_name() + ": unknown option (" + allowed + ")");
  } catch (const po::invalid_option_value& e) {
    std::string value = given_value(args, e.get_option_name());
    // Or its short form ("-n many"), for the options that have one.
    for (const auto& o : visible.options()) {
      const std::string shorter =
          o->canonical_display_name(po::command_line_style::allow_dash_for_short);
      if (value.empty() && "--" + o->long_name() == e.get_option_name() && shorter.size() == 2) {
        value = given_value(args, shorter);
      }
    }
    throw UsageError(e.get_option_name() + ": '" + value +
                     "' is not an integer (allowed: an integer; see --help)");
  }
}

}  // namespace

std::optional<std::string> parse_with_file(const std::vector<std::string>& args,
                                           po::options_description& visible, po::variables_map& vm,
                                           Overrides accept, const char* instead_of_file) {
  if (accept == Overrides::accepted) {
    visible.add_options()("set", po::value<std::vector<std::string>>()->composing(),
                          "override a scenario key: dotted.key=VALUE, VALUE any TOML value, e.g. "
                          "'agents.russia.war_cost={uniform=[0.03,0.09]}' (quoted for the shell) "
                          "or protocol.kind=alternating (repeatable)");
  }
  visible.add_options()("help,h", "show this help");
  po::options_description all;
  all.add(visible).add_options()("file", po::value<std::string>(), "scenario file");
  po::positional_options_description positional;
  positional.add("file", 1);
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).style(kStyle).run(),
              vm);
  } catch (const po::unknown_option&) {
    rethrow_readably(visible, args);
  } catch (const po::invalid_option_value&) {
    rethrow_readably(visible, args);
  }
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << visible << "\n";
    return std::nullopt;
  }
  if (!vm.count("file")) {
    if (instead_of_file && vm.count(instead_of_file)) return std::string();
    throw UsageError("missing the scenario FILE");
  }
  return vm["file"].as<std::string>();
}

void add_run_flags(po::options_description& visible, RunsFlag runs, CompressFlag compress,
                   const std::string& runs_help, const std::string& output_help) {
  auto add = visible.add_options();
  if (runs == RunsFlag::accepted) add("runs,n", po::value<std::string>(), runs_help.c_str());
  add("seed", po::value<std::int64_t>(), "random seed (default: the scenario's [run] seed)");
  add("threads", po::value<int>()->default_value(0), "worker threads (0: all cores)");
  add("output,o", po::value<std::string>(), output_help.c_str());
  add("force", "overwrite an existing output file");
  if (compress == CompressFlag::accepted) {
    add("compress", po::value<int>()->default_value(0), "deflate level 0-9 with shuffle (0: off)");
  }
  add("quiet,q", "print neither progress nor results");
}

std::optional<std::vector<std::string>> parse_files(const std::vector<std::string>& args,
                                                    po::options_description& visible,
                                                    po::variables_map& vm) {
  visible.add_options()("help,h", "show this help");
  po::options_description all;
  all.add(visible).add_options()("files", po::value<std::vector<std::string>>(), "files");
  po::positional_options_description positional;
  positional.add("files", -1);
  po::store(po::command_line_parser(args).options(all).positional(positional).style(kStyle).run(),
            vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << visible << "\n";
    return std::nullopt;
  }
  return vm.count("files") ? vm["files"].as<std::vector<std::string>>()
                           : std::vector<std::string>{};
}

RunFlags read_run_flags(const po::variables_map& vm) {
  auto checked = [&](const char* name, std::int64_t lo, std::int64_t hi, std::int64_t value) {
    if (value < lo || value > hi) {
      throw UsageError(std::string("--") + name + ": " + std::to_string(value) +
                       " is out of range (allowed: " +
                       (hi == INT64_MAX ? ">= " + std::to_string(lo)
                                        : std::to_string(lo) + "-" + std::to_string(hi)) +
                       ")");
    }
    return value;
  };
  RunFlags f;
  if (vm.count("runs")) {
    // N runs, or A:B for runs A to B-1 only.
    const std::string text = vm["runs"].as<std::string>();
    const std::string allowed =
        " (allowed: N >= 1, or A:B with 0 <= A < B for runs A to B-1; digits may be grouped by _ "
        "as in 100_000, and a whole number may be written 1e5)";
    auto integer = [&](const std::string& given) -> std::int64_t {
      const auto refuse = [&]() {
        return UsageError("--runs: '" + text + "' is not a number of runs" + allowed);
      };
      // Digits grouped by single underscores between them (100_000).
      std::string part;
      for (std::size_t i = 0; i < given.size(); ++i) {
        if (given[i] != '_') {
          part += given[i];
          continue;
        }
        const bool between = i > 0 && i + 1 < given.size() &&
                             std::isdigit(static_cast<unsigned char>(given[i - 1])) &&
                             std::isdigit(static_cast<unsigned char>(given[i + 1]));
        if (!between) throw refuse();
      }
      if (part.empty() || part[0] == '+') throw refuse();
      // An integer (a negative one is out of range, said below).
      if (part.find_first_not_of("0123456789", part[0] == '-' ? 1 : 0) == std::string::npos) {
        std::size_t used = 0;
        long long v = -1;
        try {
          v = std::stoll(part, &used);
        } catch (const std::exception&) {
          throw refuse();
        }
        if (used != part.size()) throw refuse();
        return v;
      }
      // Scientific notation for a whole number (1e5, 2.5e4): exact below 2^53.
      if (part.find_first_not_of("0123456789.eE") != std::string::npos ||
          part.find_first_of("eE") == std::string::npos)
        throw refuse();
      char* end = nullptr;
      const double v = std::strtod(part.c_str(), &end);
      if (end != part.c_str() + part.size() || !(v >= 0.0) || v > 9007199254740992.0 ||
          v != std::floor(v))
        throw refuse();
      return static_cast<std::int64_t>(v);
    };
    if (const auto colon = text.find(':'); colon != std::string::npos) {
      const std::int64_t a = integer(text.substr(0, colon));
      const std::int64_t b = integer(text.substr(colon + 1));
      if (a < 0 || b <= a) throw UsageError("--runs: " + text + " is an empty range" + allowed);
      f.run_range = {static_cast<std::uint64_t>(a), static_cast<std::uint64_t>(b)};
    } else {
      f.runs = static_cast<std::uint64_t>(checked("runs", 1, INT64_MAX, integer(text)));
    }
  }
  if (vm.count("seed")) {
    f.seed =
        static_cast<std::uint64_t>(checked("seed", 0, INT64_MAX, vm["seed"].as<std::int64_t>()));
  }
  f.threads = static_cast<int>(checked("threads", 0, 4096, vm["threads"].as<int>()));
  if (vm.count("compress")) {
    f.compress = static_cast<int>(checked("compress", 0, 9, vm["compress"].as<int>()));
  }
  if (vm.count("output")) f.output = vm["output"].as<std::string>();
  f.force = vm.count("force") > 0;
  f.quiet = vm.count("quiet") > 0;
  return f;
}

std::pair<std::uint64_t, std::uint64_t> parse_shard(const std::string& text) {
  if (const auto kn = engine::parse_shard_label(text)) return *kn;
  throw UsageError("--shard: '" + text +
                   "' is not a shard (allowed: K/N with 1 <= K <= N, e.g. --shard 3/8)");
}

void refuse_output_among_inputs(const std::string& output, const std::vector<Input>& inputs) {
  for (const Input& in : inputs) {
    if (in.path.empty()) continue;
    std::error_code ec;  // an output that does not exist yet is no input
    if (std::filesystem::equivalent(output, in.path, ec)) {
      throw UsageError(output + ": is " + in.what +
                       " (allowed: an output path that is none of the command's inputs)");
    }
  }
}

std::vector<std::string> overrides(const po::variables_map& vm) {
  return vm.count("set") ? vm["set"].as<std::vector<std::string>>() : std::vector<std::string>{};
}

}  // namespace parley::cli
