#include "parley/protocol/delegation.hpp"

#include <algorithm>
#include <cmath>

#include "parley/protocol/solve/nash_objective.hpp"

namespace parley::protocol {

Index delegation_of(const Setting& setting, Index i) {
  for (std::size_t d = 0; d < setting.delegations.size(); ++d) {
    const auto& m = setting.delegations[d].members;
    if (std::find(m.begin(), m.end(), i) != m.end()) return static_cast<Index>(d);
  }
  return -1;
}

void voices(const Setting& setting, const Vector& power, const std::vector<bool>& left,
            Vector& voice) {
  voice = power;
  for (const Delegation& d : setting.delegations) {
    if (d.voice != Voice::one) continue;
    double most = 0.0;
    double total = 0.0;
    for (Index i : d.members) {
      if (left[static_cast<std::size_t>(i)]) continue;
      most = std::max(most, power(i));
      total += power(i);
    }
    if (total <= 0.0) continue;
    for (Index i : d.members) voice(i) = most * power(i) / total;
  }
}

namespace {

// Whether issue k is held where the text has it: discrete, or set aside.
bool held(const Setting& setting, const Workspace& w, Index k) {
  const auto sk = static_cast<std::size_t>(k);
  return (sk < setting.options.size() && setting.options[sk] > 0) ||
         (sk < w.bracketed.size() && w.bracketed[sk] != 0);
}

}  // namespace

void joint_position(const Setting& setting, const Realization& r, Workspace& w, std::size_t d,
                    const Vector& x, Vector& z) {
  const Delegation& delegation = setting.delegations[d];
  const Index n = x.size();
  z = x;
  // "mean": the weighted mean of the members' ideals, issue by issue.
  for (Index k = 0; k < n; ++k) {
    if (held(setting, w, k)) continue;
    double num = 0.0;
    double den = 0.0;
    for (Index i : delegation.members) {
      if (w.left[static_cast<std::size_t>(i)]) continue;
      num += r.power(i) * r.prefs.weight(i, k) * r.prefs.ideal(i, k);
      den += r.power(i) * r.prefs.weight(i, k);
    }
    if (den > 0.0) z(k) = std::clamp(num / den, 0.0, 1.0);
  }
  if (delegation.position == JointPosition::mean) return;
  // "nash": the weighted Nash point of the members (docs/model.md, "Delegations").
  bool any = false;
  for (Index i = 0; i < r.prefs.agents(); ++i) {
    const auto si = static_cast<std::size_t>(i);
    w.counted[si] = !w.left[si] && std::find(delegation.members.begin(), delegation.members.end(),
                                             i) != delegation.members.end();
    any = any || w.counted[si];
  }
  if (!any) return;
  w.objective.pack(r.prefs, w.counted, r.power, w.batna, -1, 0.0);
  // Resilient ascent (Riedmiller & Braun 1993): each issue moves by its own step in the direction
  // of its partial derivative; a step grows by 1.2 while that direction holds and halves when it
  // turns, so it settles on the kinks of linear values and red lines where a gradient zigzags.
  w.joint_trial = z;
  w.joint_step.setConstant(n, 0.1);
  w.joint_sign.setZero(n);
  double best = w.objective.evaluate(w.joint_trial, w.grad);
  for (int step = 0; step < kJointSteps; ++step) {
    bool moving = false;
    for (Index k = 0; k < n; ++k) {
      if (held(setting, w, k)) continue;
      const double sign = w.grad(k) > 0.0 ? 1.0 : (w.grad(k) < 0.0 ? -1.0 : 0.0);
      if (sign * w.joint_sign(k) < 0.0)
        w.joint_step(k) *= 0.5;
      else if (sign * w.joint_sign(k) > 0.0)
        w.joint_step(k) = std::min(1.2 * w.joint_step(k), 0.5);
      w.joint_sign(k) = sign;
      w.joint_trial(k) = std::clamp(w.joint_trial(k) + sign * w.joint_step(k), 0.0, 1.0);
      moving = moving || (sign != 0.0 && w.joint_step(k) > 1e-12);
    }
    if (!moving) break;
    const double v = w.objective.evaluate(w.joint_trial, w.grad);
    if (v > best) {
      best = v;
      z = w.joint_trial;
    }
  }
}

void joint_positions(const Setting& setting, const Realization& r, Workspace& w, const Vector& x,
                     const std::vector<std::int8_t>* formed) {
  w.joint.resize(setting.delegations.size());
  for (std::size_t d = 0; d < setting.delegations.size(); ++d) {
    if (!formed || (*formed)[d]) joint_position(setting, r, w, d, x, w.joint[d]);
  }
}

}  // namespace parley::protocol
