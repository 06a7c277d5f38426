// The protocol-kind table (model/protocol_kind.hpp): names round-trip, messages list the kinds
// that take a setting, and the setting a run gets takes from the scenario what the kind's row
// says, checked against the documented behaviour of each kind.
#include <gtest/gtest.h>

#include <string>

#include "parley/engine/setting.hpp"
#include "parley/model/protocol_kind.hpp"
#include "parley/model/shock_kind.hpp"
#include "parley/scenario/load.hpp"

using namespace parley;

namespace {

template <typename E>
void expect_round_trip() {
  for (const std::string& name : model::names_of<E>()) {
    const auto e = model::enum_of<E>(name);
    ASSERT_TRUE(e.has_value()) << name;
    EXPECT_EQ(model::name_of(*e), name);
  }
  EXPECT_FALSE(model::enum_of<E>("no such name").has_value());
}

}  // namespace

TEST(ProtocolKind, NamesRoundTripAndFollowTheEnumsOrder) {
  expect_round_trip<model::ProtocolKind>();
  expect_round_trip<model::Revision>();
  expect_round_trip<model::Information>();
  expect_round_trip<model::Sessions>();
  expect_round_trip<model::Recognition>();
  expect_round_trip<model::Risk>();
  expect_round_trip<model::Forecast>();
  expect_round_trip<model::Conflict>();
  expect_round_trip<model::ShockWhen>();
  expect_round_trip<model::ShockOp>();
  // The scenario's own words for them (docs/scenario.md).
  EXPECT_EQ(model::name_of(model::ProtocolKind::alternating), "alternating");
  EXPECT_EQ(model::name_of(model::Information::learning), "learning");
  EXPECT_EQ(model::name_of(model::ShockWhen::rejections), "after_rejections");
}

TEST(ProtocolKind, MessagesListTheKindsThatTakeASetting) {
  EXPECT_EQ(model::kinds_with(&model::ProtocolTraits::agenda),
            "\"mediated\", \"nash\" or \"kalai\"");
  EXPECT_EQ(model::kinds_with(&model::ProtocolTraits::private_information),
            "\"mediated\" or \"alternating\"");
  EXPECT_EQ(model::kinds_with(&model::ProtocolTraits::bracketing), "\"mediated\"");
}

// Private information belongs to the mediated protocol and alternating offers (whose every offer
// and answer is heard at one table: joint sessions); issue vetoes to the mediated protocol; the
// axiomatic solutions take complete information and whole vetoes.
TEST(ProtocolKind, TheSettingTakesWhatTheKindTakes) {
  for (const auto kind :
       {model::ProtocolKind::mediated, model::ProtocolKind::alternating, model::ProtocolKind::nash,
        model::ProtocolKind::kalai, model::ProtocolKind::expected_utility}) {
    const std::string name(model::name_of(kind));
    const auto s = scenario::load_scenario_file(
        std::string(PARLEY_SOURCE_DIR) + "/scenarios/miami-2025.toml",
        {"protocol.kind=" + name, "protocol.information=learning", "protocol.sessions=separate",
         "agents.ukraine.red_lines.territory=[0.0, {uniform = [0.4, 0.55]}]"});
    const protocol::Setting setting = engine::make_setting(s);
    EXPECT_EQ(setting.kind, kind);
    const bool informed =
        kind == model::ProtocolKind::mediated || kind == model::ProtocolKind::alternating;
    EXPECT_EQ(setting.information,
              informed ? protocol::Information::learning : protocol::Information::complete)
        << name;
    EXPECT_EQ(!setting.private_ends.empty(), informed) << name;
    EXPECT_EQ(setting.sessions, kind == model::ProtocolKind::alternating
                                    ? protocol::Sessions::joint
                                    : protocol::Sessions::separate)
        << name;
    bool issue_veto = false;
    for (std::size_t i = 0; i < s.agents.size(); ++i)
      issue_veto = issue_veto || setting.issue_veto(i);
    bool scenario_issue_veto = false;
    for (const auto& a : s.agents)
      scenario_issue_veto = scenario_issue_veto || !a.veto_issues.empty();
    EXPECT_EQ(issue_veto, scenario_issue_veto && kind == model::ProtocolKind::mediated) << name;
  }
}
