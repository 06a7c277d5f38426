#pragma once
// The fixed structure of every run of a scenario (protocol::Setting), translated once from the
// scenario: the protocol kind's row (model/protocol_kind.hpp) says which of the scenario's
// protocol settings the kind takes; the ends a mediator holds beliefs over; the scheduled shocks.
#include "parley/protocol/realization.hpp"
#include "parley/scenario/scenario.hpp"

namespace parley::engine {

protocol::Setting make_setting(const scenario::Scenario& s);

}  // namespace parley::engine
