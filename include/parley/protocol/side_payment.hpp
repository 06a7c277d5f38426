#pragma once
// Side payments (docs/model.md, "Side payments"; Beardsley 2011, manipulative mediation with
// leverage): the mediator attaches payments to its text, each unit costing it c in utility (its
// stake β weighs its own utility) and giving party i v_i; it chooses them with the text, for the
// largest F of docs/model.md ("Mediated single negotiating text") with the payments in the gains.
#include "parley/protocol/realization.hpp"
#include "parley/protocol/run_context.hpp"

namespace parley::protocol {

// The payments s that maximise Σ_i θ_i φ(g_i + v_i s_i) − λ0 Σ_i s_i over s >= 0, Σ_i s_i <= B,
// φ = NashObjective::phi (concave), by the conditions of Karush, Kuhn and Tucker: at the price
// λ >= λ0 of a unit, s_i(λ) = max(0, θ_i v_i / λ − g_i) / v_i where θ_i v_i / λ is at least the
// gap where φ turns linear (else 0); λ = λ0 when those payments fit the budget, else the λ at
// which they exhaust it (bisection; Σ s_i(λ) falls in λ). Agents with θ_i = 0 or v_i = 0 get 0.
void water_fill(const Vector& theta, const Vector& gain, const Vector& value, double unit_cost,
                double budget, Vector& s);

// The mediator's payments for the text x (revision = "nash"): water_fill over the parties still
// at the table (θ their power shares), g_i = u_i(x) − e_i(x) − r̂_i + ε as the mediator sees
// them, λ0 = β c; into w.payment.
void choose_payments(const Realization& r, const model::Preferences& known, const Vector& x,
                     Workspace& w);

}  // namespace parley::protocol
