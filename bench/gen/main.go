// Command gen writes a synthetic infrastructure tree of a chosen size for
// perimeter's benchmarks; bench/corpus says what the tree holds.
//
//	go run ./bench/gen -out bench/out/tree-10000 -resources 10000
//
// The output is a pure function of -resources and -seed.
package main

import (
	"flag"
	"fmt"
	"log"

	"github.com/perimeter-iac/perimeter/bench/corpus"
)

func main() {
	out := flag.String("out", "bench/out/tree", "directory to write (replaced)")
	resources := flag.Int("resources", 1000, "approximate number of resources to generate")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	stats, err := corpus.Generate(*out, *resources, *seed)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s: %d files, %d resources (%d Terraform, %d CloudFormation)\n",
		*out, stats.Files, stats.Resources(), stats.TerraformResources, stats.CloudFormationResources)
}
