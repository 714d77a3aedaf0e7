// Command catalogdata turns the IAM action catalog TSV (service, action,
// access level, resource types, condition keys; see ../shared/data) into the
// compact form package policy embeds: one line per service,
//
//	s3<TAB>AbortMultipartUpload=W,GetObject=R,PutBucketPolicy=PW,...
//
// gzip-compressed with a zero modification time so the output is
// reproducible. Run it through `go generate ./policy`.
package main

import (
	"bufio"
	"compress/gzip"
	"flag"
	"fmt"
	"log"
	"os"
	"slices"
	"strings"
)

var levelLetters = map[string]string{
	"List":                   "L",
	"Read":                   "R",
	"Write":                  "W",
	"Tagging":                "T",
	"Permissions management": "P",
}

func main() {
	in := flag.String("in", "", "iam-actions.tsv to read")
	out := flag.String("out", "catalog.tsv.gz", "file to write")
	flag.Parse()
	if err := run(*in, *out); err != nil {
		log.Fatal(err)
	}
}

func run(in, out string) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	services := map[string][]string{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if strings.HasPrefix(text, "#") || strings.TrimSpace(text) == "" {
			continue
		}
		cols := strings.Split(text, "\t")
		if len(cols) < 3 {
			return fmt.Errorf("%s:%d: want at least 3 columns, got %d", in, line, len(cols))
		}
		var letters []string
		for lvl := range strings.SplitSeq(cols[2], ",") {
			l, ok := levelLetters[strings.TrimSpace(lvl)]
			if !ok {
				return fmt.Errorf("%s:%d: unknown access level %q", in, line, lvl)
			}
			letters = append(letters, l)
		}
		slices.Sort(letters)
		services[cols[0]] = append(services[cols[0]], cols[1]+"="+strings.Join(letters, ""))
	}
	if err := sc.Err(); err != nil {
		return err
	}
	names := make([]string, 0, len(services))
	for s := range services {
		names = append(names, s)
	}
	slices.Sort(names)

	o, err := os.Create(out)
	if err != nil {
		return err
	}
	zw, err := gzip.NewWriterLevel(o, gzip.BestCompression)
	if err != nil {
		return err
	}
	for _, s := range names {
		actions := services[s]
		slices.Sort(actions)
		actions = slices.Compact(actions)
		if _, err := fmt.Fprintf(zw, "%s\t%s\n", s, strings.Join(actions, ",")); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return o.Close()
}
