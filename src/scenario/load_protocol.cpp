// [protocol] of a scenario file (see loader.hpp).
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>

#include "loader.hpp"

namespace parley::scenario::detail {

void Loader::read_protocol(Reader& r) {
  const toml::table* t = r.subtable("protocol", true);
  if (!t) return;
  Reader h(ctx_, *t, "protocol");
  Protocol& p = s_.protocol;
  p.kind = h.choice("kind", ProtocolKind::mediated);
  const model::ProtocolTraits& kind = model::traits(p.kind);
  p.recognition = h.choice("recognition", Recognition::power);
  const std::string decision =
      h.string("decision", false, {"unanimity", "majority"}).value_or("unanimity");
  std::size_t parties = 0;
  for (const Agent& a : s_.agents) parties += a.role == Role::party;
  const auto quota =
      h.integer("quota", false, 1, static_cast<std::int64_t>(std::max<std::size_t>(parties, 1)));
  // Unanimity: every veto player must accept (and no one else need); majority: a quota of
  // the parties, the proposer included, by default a simple majority.
  p.quota = quota ? static_cast<int>(*quota)
                  : (decision == "majority" ? static_cast<int>(parties / 2 + 1) : 1);
  p.unanimity = decision == "unanimity";
  if (quota && decision == "unanimity") {
    ctx_.error(t->get("quota")->source(), "protocol.quota", "a quota goes with a majority rule",
               "allowed: decision = \"majority\" with a quota; unanimity needs every veto player");
  }
  p.revision = h.choice("revision", Revision::nash);
  // The expected-utility model's settings (docs/model.md, "The expected-utility model"): refused
  // with another kind, once their values are read (so that a bad value is named first).
  p.risk = h.choice("risk", Risk::security);
  p.forecast = h.choice("forecast", Forecast::median);
  p.conflict = h.choice("conflict", Conflict::larger);
  p.salience_scale = h.choice("salience_scale", SalienceScale::largest);
  p.challenges_on = h.choice("challenges_on", ChallengesOn::issue);
  p.challenge_rounds =
      static_cast<int>(h.integer("challenge_rounds", false, 1, 100000).value_or(100));
  for (const char* key :
       {"risk", "forecast", "conflict", "salience_scale", "challenges_on", "challenge_rounds"}) {
    if (p.kind != ProtocolKind::expected_utility && t->contains(key)) {
      ctx_.error(t->get(key)->source(), std::string("protocol.") + key,
                 "only the expected-utility model takes it",
                 "allowed: " + std::string(key) + " with kind = \"expected_utility\"");
    }
  }
  p.refusal_ends = h.string("refusal", false, {"resume", "end"}).value_or("resume") == "end";
  p.disengagement_ends =
      h.string("disengagement", false, {"end", "neutral"}).value_or("end") == "end";
  p.information = h.choice("information", Information::complete);
  p.sessions = h.choice("sessions", Sessions::separate);
  p.max_rounds = static_cast<int>(h.integer("max_rounds", false, 1, 100000).value_or(24));
  p.walkout_patience =
      static_cast<int>(h.integer("walkout_patience", false, 1, 100000).value_or(3));
  p.revision_steps = static_cast<int>(h.integer("revision_steps", false, 1, 10000).value_or(24));
  p.clause_changes = static_cast<int>(h.integer("clause_changes", false, 1, 1000).value_or(1));
  p.bracketing = h.boolean("bracketing").value_or(false);
  p.bracket_after = static_cast<int>(h.integer("bracket_after", false, 1, 100000).value_or(6));
  p.max_bracketed = static_cast<int>(h.integer("max_bracketed", false, 1, 100000).value_or(1));
  if (p.bracketing && !kind.bracketing) {
    ctx_.error(t->get("bracketing")->source(), "protocol.bracketing",
               "only a mediator brackets issues",
               "allowed: bracketing = true with kind = " +
                   model::kinds_with(&model::ProtocolTraits::bracketing));
  }
  // agenda = [["guarantees"], ["territory", "ceasefire"]]: stages, each issue at most once;
  // the issues left out form a last stage (docs/model.md, "Agendas in stages").
  if (const toml::node* an = h.take("agenda")) {
    const toml::array* stages = an->as_array();
    const std::string allowed =
        "allowed: an array of stages, each an array of issue ids, every issue in one stage at "
        "most";
    std::vector<bool> listed(s_.issues.size(), false);
    if (!stages || stages->empty()) {
      ctx_.error(
          an->source(), "protocol.agenda",
          stages ? std::string("empty") : std::string("expected an array, got ") + type_name(*an),
          allowed);
    } else {
      for (std::size_t j = 0; j < stages->size(); ++j)
        p.agenda.push_back(
            read_issue_ids(*stages->get(j), "protocol.agenda[" + std::to_string(j) + "]", listed));
      std::vector<std::size_t> rest;
      for (std::size_t k = 0; k < listed.size(); ++k) {
        if (!listed[k]) rest.push_back(k);
      }
      if (!rest.empty()) p.agenda.push_back(rest);
    }
    if (!kind.agenda) {
      ctx_.error(
          an->source(), "protocol.agenda",
          "kind = \"" + std::string(model::name_of(p.kind)) + "\" takes no agenda",
          "allowed: an agenda with kind = " + model::kinds_with(&model::ProtocolTraits::agenda));
    }
    if (p.bracketing) {
      ctx_.error(an->source(), "protocol.agenda",
                 "an agenda and bracketing both set the issues aside",
                 "allowed: one of agenda and bracketing = true");
    }
  }
  p.binding = h.boolean("binding").value_or(true);
  p.mediator_stake = h.param_or("mediator_stake", 0.0, 1000.0, 0.0);
  p.trust_region = h.param_or("trust_region", 0.0, 1.0, 0.1);
  p.batna_noise = h.param_or("batna_noise", 0.0, 1.0, 0.0);
  p.step = h.param_or("step", 0.0, 1.0, 0.5);
  p.deadline = static_cast<int>(h.integer("deadline", false, 1, 100000).value_or(0));
  p.collapse_hazard = h.param_or("collapse_hazard", 0.0, 1.0, 0.0);
  p.collapse_escalation = h.param_or("collapse_escalation", 0.0, 1.0, 0.0);
  // (A one-round protocol, kind = "nash" or "kalai", ends after its round: these keys do not
  // apply to it, and a scenario may keep them when its kind is switched.)
  p.first_draft.resize(s_.issues.size());
  std::vector<bool> seen(s_.issues.size(), false);
  const bool needs_draft = kind.mediator;
  for (std::size_t k = 0; k < s_.issues.size(); ++k) {
    p.first_draft[k] = Param{Distribution::fixed(s_.issues[k].status_quo),
                             "protocol.first_draft." + s_.issues[k].id, ctx_.at(t->source()),
                             s_.issues[k].lo, s_.issues[k].hi};
  }
  if (const toml::table* ft = h.subtable("first_draft", needs_draft)) {
    per_issue(*ft, "protocol.first_draft",
              [&](std::size_t k, const toml::node& v, const std::string& key, Reader& pr) {
                if (auto prm = position_node(pr, v, key, s_.issues[k])) {
                  p.first_draft[k] = *prm;
                  seen[k] = true;
                }
              });
    for (std::size_t k = 0; k < s_.issues.size(); ++k) {
      // A discrete issue left out of the draft starts at its status quo (a clause: out).
      if (needs_draft && !seen[k] && !ft->contains(s_.issues[k].id) && !s_.issues[k].discrete() &&
          !broken_issue_[k]) {
        ctx_.error(ft->source(), "protocol.first_draft." + s_.issues[k].id, "missing",
                   "required: a position for every issue, in [" + fmt(s_.issues[k].lo) + ", " +
                       fmt(s_.issues[k].hi) + "]");
      }
    }
  }
  h.finish();
}

}  // namespace parley::scenario::detail
