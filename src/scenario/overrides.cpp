#include "overrides.hpp"

#include <algorithm>
#include <cctype>

namespace parley::scenario::detail {

void emit_in_file_order(const toml::table& table, const std::string& path, std::ostream& out) {
  const auto keys = keys_in_file_order(table);
  for (const auto& key : keys) {
    const toml::node& node = *table.get(key);
    const toml::array* array = node.as_array();
    if (node.is_table() || (array && array->is_array_of_tables() && !array->empty())) continue;
    out << key << " = ";
    if (array) {
      out << *array;
    } else {
      node.visit([&](auto&& value) { out << value; });
    }
    out << "\n";
  }
  for (const auto& key : keys) {
    const toml::node& node = *table.get(key);
    const std::string child = path.empty() ? key : path + "." + key;
    if (const toml::table* sub = node.as_table()) {
      out << "\n[" << child << "]\n";
      emit_in_file_order(*sub, child, out);
    } else if (const toml::array* array = node.as_array();
               array && array->is_array_of_tables() && !array->empty()) {
      for (const toml::node& element : *array) {
        out << "\n[[" << child << "]]\n";
        emit_in_file_order(*element.as_table(), child, out);
      }
    }
  }
}

void apply_override(toml::table& root, const std::string& assignment, Context& ctx,
                    const std::string& origin, int line) {
  const auto eq = assignment.find('=');
  const auto row = static_cast<toml::source_index>(line);
  // The n-th override of its origin is line n of it: --set:2:14 is column 14 of the second --set.
  const std::string above(static_cast<std::size_t>(line - 1), '\n');
  const toml::source_region here{{row, 1}, {row, 1}, std::make_shared<const std::string>(origin)};
  if (eq == std::string::npos || eq == 0) {
    ctx.error(here, assignment, "expected KEY=VALUE",
              "allowed: KEY=VALUE, e.g. --set agents.russia.discount=0.9");
    return;
  }
  const std::string key = assignment.substr(0, eq);
  // A path of thousands of parts would build as many nested tables (kMaxKeyParts).
  if (static_cast<std::size_t>(std::count(key.begin(), key.end(), '.')) + 1 > kMaxKeyParts) {
    ctx.error(here, key.substr(0, std::min<std::size_t>(key.size(), 60)) + "...",
              too_deep_problem(), "allowed: a dotted path such as agents.russia.discount");
    return;
  }
  // A bare word is a string (--set protocol.kind=alternating): TOML would need quotes, which
  // the shell takes away unless they are quoted themselves.
  std::string value_text = assignment.substr(eq + 1);
  const bool bare_word =
      !value_text.empty() &&
      (std::isalpha(static_cast<unsigned char>(value_text[0])) || value_text[0] == '_') &&
      value_text.find_first_not_of(
          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
          "0123456789_-") == std::string::npos &&
      value_text != "true" && value_text != "false" && value_text != "inf" && value_text != "nan";
  if (bare_word) value_text = "\"" + value_text + "\"";
  toml::table parsed;
  try {
    // Pad so that columns count within the --set argument: the value starts at eq + 2.
    const std::string doc = above + std::string(eq - 1, ' ') + "v=" + value_text;
    parsed = toml::parse(std::string_view(doc), std::string_view(origin));
  } catch (const toml::parse_error& e) {
    ctx.error(e.source(), key, "not a TOML value: " + std::string(e.description()),
              "allowed: a number, a word, true/false, [array] or {inline table}; other text in "
              "double quotes, quoted for the shell: --set '" +
                  key + "=\"some text\"'");
    return;
  }
  // The key's parts, each checked before anything changes.
  std::vector<std::string> parts;
  for (std::size_t start = 0;;) {
    const auto dot = key.find('.', start);
    parts.push_back(key.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (parts.back().empty()) {
      ctx.error(here, key, "empty part in the key",
                "allowed: a dotted path such as agents.russia.discount");
      return;
    }
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  auto prefix = [&](std::size_t n) {  // the first n parts, dotted
    std::string out;
    for (std::size_t j = 0; j < n; ++j) out += (j ? "." : "") + parts[j];
    return out;
  };
  // One key language: the names Parley writes for parameters are keys here. An element of an
  // array is its index from 0 (shocks.0.value), and the ends of an interval [lo, hi] are lo and
  // hi (agents.russia.red_lines.territory.lo).
  auto at_part = [&](std::size_t j) {  // where part j starts in the argument
    const auto column = static_cast<toml::source_index>(prefix(j).size() + (j ? 2 : 1));
    return toml::source_region{{row, column}, {row, column}, here.path};
  };
  toml::node* node = &root;
  for (std::size_t j = 0; j < parts.size(); ++j) {
    const std::string& part = parts[j];
    const bool last = j + 1 == parts.size();
    if (toml::array* array = node->as_array()) {
      std::size_t index = array->size();
      if (part == "lo" || part == "hi") {
        if (array->size() == 2) index = part == "lo" ? 0 : 1;
      } else if (part.find_first_not_of("0123456789") == std::string::npos && part.size() < 10) {
        index = static_cast<std::size_t>(std::stoul(part));
      }
      if (index >= array->size()) {
        ctx.error(at_part(j), prefix(j + 1),
                  "'" + prefix(j) + "' holds " + std::to_string(array->size()) +
                      (array->size() == 1 ? " element" : " elements"),
                  array->size() == 2 ? "allowed: lo, hi, 0 or 1"
                  : array->empty()
                      ? "allowed: no element (the array is empty)"
                      : "allowed: an index from 0 to " + std::to_string(array->size() - 1));
        return;
      }
      if (last) {
        parsed.get("v")->visit([&](auto&& v) {
          array->replace(array->cbegin() + static_cast<std::ptrdiff_t>(index), std::move(v));
        });
        return;
      }
      node = array->get(index);
      continue;
    }
    toml::table* table = node->as_table();
    if (!table) {
      ctx.error(at_part(j), key, "'" + prefix(j) + "' is not a table, so it has no keys",
                "allowed: a dotted path to a key inside tables, an array index, or lo/hi of "
                "an interval");
      return;
    }
    if (last) {
      // An agent or issue that a table restates takes its place, keeping its position in the
      // file (the order of agents and issues, and so which issue is the first, follows the
      // file). Any other value is replaced whole, and carries the override's location.
      toml::node* old = table->get(part);
      const bool member = root.get("agents") == static_cast<toml::node*>(table) ||
                          root.get("issues") == static_cast<toml::node*>(table);
      if (member && old && old->is_table() && parsed.get("v")->is_table()) {
        toml::table& into = *old->as_table();
        into.clear();
        for (auto&& [k, v] : *parsed.get("v")->as_table()) {
          const std::string name(k.str());  // (a structured binding cannot be captured in C++20)
          v.visit([&](auto&& n) { into.insert_or_assign(name, std::move(n)); });
        }
        return;
      }
      // Moved, not copied: a moved node keeps its source region (`origin`), a copy would not.
      parsed.get("v")->visit(
          [&](auto&& n) { table->insert_or_assign(toml::key(part, at_part(j)), std::move(n)); });
      return;
    }
    toml::node* next = table->get(part);
    const bool collection =
        table != &root && (root.get("agents") == static_cast<toml::node*>(table) ||
                           root.get("issues") == static_cast<toml::node*>(table));
    if (!next && collection) {
      // An override changes agents and issues; a typo must not create a new one.
      std::vector<std::string> ids;
      for (auto&& [k, v] : *table) ids.emplace_back(k.str());
      const std::string what = prefix(j);
      std::string allowed = "allowed: " + join(ids);
      if (const std::string hint = closest_match(part, ids); !hint.empty()) {
        allowed += "; did you mean '" + hint + "'?";
      }
      ctx.error(at_part(j), prefix(j + 1),
                "unknown " + std::string(what == "agents" ? "agent" : "issue") + " '" + part + "'",
                allowed);
      return;
    }
    if (!next) {
      // The rest of the path is new: parsed as a dotted key at its place in the argument, so that
      // the tables it makes carry the argument's location (an unknown key among them is reported
      // there, not in the scenario file).
      const std::string rest = key.substr(prefix(j).size() + (j ? 1 : 0));
      const bool bare = rest.find_first_not_of(
                            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") ==
                        std::string::npos;
      toml::table made;
      if (bare) {
        try {
          made = toml::parse(std::string_view(above + std::string(eq - rest.size(), ' ') + rest +
                                              "=" + value_text),
                             std::string_view(origin));
        } catch (const toml::parse_error&) {
          made = toml::table{};
        }
      }
      if (toml::node* sub = made.get(part); sub && sub->is_table()) {
        sub->visit([&](auto&& n) { table->insert(part, std::move(n)); });
        return;
      }
      table->insert(part, toml::table{});
      next = table->get(part);
    }
    node = next;
  }
}

}  // namespace parley::scenario::detail
