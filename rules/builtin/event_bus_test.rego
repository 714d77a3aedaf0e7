package perimeter.rules.event_bus_test

# Tests of PERIM025 (event_bus.rego).

import data.perimeter.lib.grants_test as t
import data.perimeter.rules.event_bus

of_kind(kind, statements) := {"zone": t.account_zone, "resource": object.union(t.resource([t.doc(statements)]), {"kind": kind})}

test_public_events_eventbus_is_reported if {
	fs := event_bus.findings with input as of_kind("events:eventbus", [t.allow([t.star], [])])
	count(fs) == 1
	some f in fs
	f.exposure == "public"
	f.location.line == 7
}

test_external_events_eventbus_is_reported if {
	fs := event_bus.findings with input as of_kind("events:eventbus", [t.allow([t.foreign], [])])
	{f.exposure | some f in fs} == {"external"}
}

test_own_account_events_eventbus_is_not_reported if {
	count(event_bus.findings) == 0 with input as of_kind("events:eventbus", [t.allow([t.own], [])])
}

test_other_kinds_are_not_judged if {
	count(event_bus.findings) == 0 with input as of_kind("other:kind", [t.allow([t.star], [])])
}
