package main

import (
	"runtime"

	"github.com/perimeter-iac/perimeter/rules"
)

// callerFile is runtime.Caller(0) of this file, so tests that change
// directory still find testdata.
func callerFile() (uintptr, string, int, bool) { return runtime.Caller(0) }

func fakeFinding(exposure, severity string) rules.Finding {
	return rules.Finding{Rule: "PERIM001", Exposure: exposure, Severity: severity, Public: exposure == rules.ExposurePublic}
}
