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
                    const std::string& origin) {
  const auto eq = assignment.find('=');
  const toml::source_region here{{1, 1}, {1, 1}, std::make_shared<const std::string>(origin)};
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
  toml::table parsed;
  try {
    // Pad so that columns count within the --set argument: the value starts at eq + 2.
    std::string value = assignment.substr(eq + 1);
    // A bare word is a string (--set protocol.kind=alternating): TOML would need quotes, which
    // the shell takes away unless they are quoted themselves.
    const bool bare = !value.empty() &&
                      (std::isalpha(static_cast<unsigned char>(value[0])) || value[0] == '_') &&
                      value.find_first_not_of(
                          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                          "0123456789_-") == std::string::npos &&
                      value != "true" && value != "false" && value != "inf" && value != "nan";
    if (bare) value = "\"" + value + "\"";
    const std::string doc = std::string(eq - 1, ' ') + "v=" + value;
    parsed = toml::parse(std::string_view(doc), std::string_view(origin));
  } catch (const toml::parse_error& e) {
    ctx.error(e.source(), key, "not a TOML value: " + std::string(e.description()),
              "allowed: a number, a word, true/false, [array] or {inline table}; other text in "
              "double quotes, quoted for the shell: --set '" +
                  key + "=\"some text\"'");
    return;
  }
  toml::table* table = &root;
  std::size_t start = 0;
  for (;;) {
    const auto dot = key.find('.', start);
    const std::string part =
        key.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (part.empty()) {
      ctx.error(here, key, "empty part in the key",
                "allowed: a dotted path such as agents.russia.discount");
      return;
    }
    if (dot == std::string::npos) {
      // A table that restates one in the file takes its place, keeping its position in the file
      // (the order of agents and issues, and so which issue is the first, follows the file).
      toml::node* old = table->get(part);
      if (old && old->is_table() && parsed.get("v")->is_table()) {
        toml::table& into = *old->as_table();
        into.clear();
        for (auto&& [k, v] : *parsed.get("v")->as_table()) {
          const std::string name(k.str());  // (a structured binding cannot be captured in C++20)
          v.visit([&](auto&& node) { into.insert_or_assign(name, std::move(node)); });
        }
        return;
      }
      // Moved, not copied: a moved node keeps its source region (`origin`), a copy would not.
      parsed.get("v")->visit([&](auto&& node) { table->insert_or_assign(part, std::move(node)); });
      return;
    }
    toml::node* next = table->get(part);
    const bool collection = table == &root
                                ? false
                                : root.get("agents") == static_cast<toml::node*>(table) ||
                                      root.get("issues") == static_cast<toml::node*>(table);
    if (!next && collection) {
      // An override changes agents and issues; a typo must not create a new one.
      std::vector<std::string> ids;
      for (auto&& [k, v] : *table) ids.emplace_back(k.str());
      const std::string what = key.substr(0, start - 1);
      std::string allowed = "allowed: " + join(ids);
      if (const std::string hint = closest_match(part, ids); !hint.empty()) {
        allowed += "; did you mean '" + hint + "'?";
      }
      ctx.error(here, key.substr(0, dot),
                "unknown " + std::string(what == "agents" ? "agent" : "issue") + " '" + part + "'",
                allowed);
      return;
    }
    if (!next) {
      table->insert(part, toml::table{});
      next = table->get(part);
    }
    if (!next->is_table()) {
      ctx.error(here, key, "'" + key.substr(0, dot) + "' is not a table, so it has no keys",
                "allowed: a dotted path to a key inside tables");
      return;
    }
    table = next->as_table();
    start = dot + 1;
  }
}

}  // namespace parley::scenario::detail
