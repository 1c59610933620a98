# Rego rules equivalent to two shipped rules, for the engine benchmark
# (benchmarks/bench_engine.py). Input: the incident in fact schema v1 as JSON, with unknown
# facts left out (exactly what `Incident.model_dump(mode="json", exclude_none=True)` gives: an
# unknown list is absent, a known empty list is []). Data: data.defaults.critical_sectors (the
# package defaults) and data.profiles (published profiles by state; empty in the benchmark).
#
# Three-valued logic: a sub-condition is a rule whose value is true, false, or UNDEFINED for
# unknown; Rego's undefined propagates exactly like an unknown fact (a body reading an absent
# field fails). Kleene: "a and b" is false if either is false, true if both are true, else
# undefined; dually for "or". Each rule's `outcome_*` returns one of the four outcome strings
# by the table of docs/rule-language.md.
package cybernorms.bench

import rego.v1

subject := input.attribution.state

# attribution.level in {"direct", "indirect"} (the violated_when of state responsibility, and
# so the applies_when of use of force: breached("il.state_responsibility")). Written as two rules because regorus evaluates
# `x in S` to false, not undefined, when x is undefined.
attributable := true if input.attribution.level in {"direct", "indirect"}

attributable := false if {
	is_string(input.attribution.level)
	not input.attribution.level in {"direct", "indirect"}
}

# ---- il.state_responsibility ------------------------------------------------------------

outcome_state_responsibility := "no_violation" if {
	attributable == false
} else := "violation" if {
	attributable == true
	is_string(subject)
} else := "undetermined"

# ---- il.use_of_force --------------------------------------------------------------------

# any(t.country != subject for t in targets)
target_abroad := true if {
	some t in input.targets
	t.country != subject
}

target_abroad := false if {
	is_array(input.targets)
	every t in input.targets {
		t.country == subject
	}
}

# effects.physical in {"local", "widespread"} and effects.loss_of_function in {"repair", "permanent"}
damage := true if {
	input.effects.physical in {"local", "widespread"}
	input.effects.loss_of_function in {"repair", "permanent"}
}

damage := false if {
	is_string(input.effects.physical)
	not input.effects.physical in {"local", "widespread"}
}

damage := false if {
	is_string(input.effects.loss_of_function)
	not input.effects.loss_of_function in {"repair", "permanent"}
}

# effects.casualties > 0 or damage
physical_harm := true if input.effects.casualties > 0

physical_harm := true if damage == true

physical_harm := false if {
	input.effects.casualties <= 0
	damage == false
}

use_of_force := true if {
	target_abroad == true
	physical_harm == true
}

use_of_force := false if target_abroad == false

use_of_force := false if physical_harm == false

outcome_use_of_force := "not_applicable" if {
	attributable == false
} else := "no_violation" if {
	use_of_force == false
} else := "violation" if {
	attributable == true
	use_of_force == true
	is_string(subject)
} else := "undetermined"
