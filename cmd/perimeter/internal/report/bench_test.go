package report

import (
	"fmt"
	"io"
	"testing"
)

// BenchmarkWriters writes a report of 2,000 findings (the full report's
// findings, repeated over many files) in every format: the output stage.
func BenchmarkWriters(b *testing.B) {
	base := fullReport()
	r := *base
	r.Findings = nil
	for i := range 2000 / len(base.Findings) {
		for _, f := range base.Findings {
			f.Location.File = fmt.Sprintf("roots/app%04d/main.tf", i)
			f.Resource.File = f.Location.File
			f.ID = fmt.Sprintf("%s%04d", f.ID[:12], i)
			r.Findings = append(r.Findings, f)
		}
	}
	for _, name := range FormatNames() {
		w, err := Lookup(name)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if err := w(io.Discard, &r, Options{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(r.Findings))/1000, "µs/finding")
		})
	}
}
