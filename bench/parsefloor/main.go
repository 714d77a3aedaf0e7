// Command parsefloor reads and parses every candidate file under the given
// paths once, in parallel, and does nothing else: HCL (.tf, .tfvars) with
// hclsyntax, .tf.json with hcl's JSON parser, YAML with yaml.v3's node
// parser and JSON with perimeter's position-keeping JSON parser. Its wall
// time is the floor a whole scan is measured against (bench/run): a scan
// should cost at most twice what merely parsing the files costs.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	hcljson "github.com/hashicorp/hcl/v2/json"
	"gopkg.in/yaml.v3"

	"github.com/perimeter-iac/perimeter/loaders"
	"github.com/perimeter-iac/perimeter/policy"
)

func main() {
	start := time.Now()
	files, diags := loaders.Discover(os.Args[1:], loaders.DiscoverOptions{})
	if diags.HasErrors() {
		fmt.Fprintln(os.Stderr, diags[0].Error())
	}
	failed := parseAll(files)
	fmt.Printf("parsed %d files (%d failed) in %.1f ms\n", len(files), failed, float64(time.Since(start).Microseconds())/1000)
}

// parseAll parses every file once, on GOMAXPROCS workers, and returns how
// many failed to parse.
func parseAll(files []loaders.File) int64 {
	var failed atomic.Int64
	work := make(chan loaders.File)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for f := range work {
				if !parse(f) {
					failed.Add(1)
				}
			}
		})
	}
	for _, f := range files {
		work <- f
	}
	close(work)
	wg.Wait()
	return failed.Load()
}

func parse(f loaders.File) bool {
	name := strings.ToLower(f.Path)
	switch {
	case strings.HasSuffix(name, ".tf.json") || strings.HasSuffix(name, ".tfvars.json"):
		_, d := hcljson.Parse(f.Data, f.Path)
		return !d.HasErrors()
	case strings.HasSuffix(name, ".tf") || strings.HasSuffix(name, ".tfvars"):
		_, d := hclsyntax.ParseConfig(f.Data, f.Path, hcl.InitialPos)
		return !d.HasErrors()
	case strings.HasSuffix(name, ".json"):
		_, err := policy.ParseJSON(f.Data, policy.JSONOptions{File: f.Path})
		return err == nil
	default:
		var n yaml.Node
		return yaml.Unmarshal(f.Data, &n) == nil
	}
}
