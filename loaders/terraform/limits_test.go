package terraform

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/perimeter-iac/perimeter/loaders"

	"github.com/perimeter-iac/perimeter/internal/conformance"
)

// TestCheckSyntax checks the nesting measure against what hclsyntax
// recurses on: brackets, strings and interpolations, heredocs, operator
// chains, index chains and template directives; and that what does not nest
// (comments, string contents, separated expressions) is not counted.
func TestCheckSyntax(t *testing.T) {
	deep := func(opening, mid, closing string, n int) string {
		return "locals {\n  a = " + strings.Repeat(opening, n) + mid + strings.Repeat(closing, n) + "\n}\n"
	}
	tests := []struct {
		name, file, src string
		wantLine        int // 0: within the limits
		wantMsg         string
	}{
		{"brackets", "a.tf", deep("[", "", "]", 30), 2, "nest deeper than 20 levels"},
		{"parentheses", "a.tf", deep("(", "1", ")", 30), 2, "nest deeper than 20 levels"},
		{"objects", "a.tf", deep("{a=", "1", "}", 30), 2, "nest deeper than 20 levels"},
		{"negations", "a.tf", "locals {\n  a = " + strings.Repeat("!", 30) + "true\n}\n", 2, "nest deeper"},
		{"minus", "a.tf", "locals {\n  a = " + strings.Repeat("-", 30) + "1\n}\n", 2, "nest deeper"},
		{"sum", "a.tf", "locals {\n  a = 1" + strings.Repeat(" + 1", 30) + "\n}\n", 2, "nest deeper"},
		{"sum across lines in parentheses", "a.tf", "locals {\n  a = (1" + strings.Repeat("\n + 1", 30) + ")\n}\n", 21, "nest deeper"},
		{"conditionals", "a.tf", "locals {\n  a = " + strings.Repeat("true ? 1 : ", 30) + "2\n}\n", 2, "nest deeper"},
		{"index chain", "a.tf", "locals {\n  a = local.x" + strings.Repeat("[local.i]", 30) + "\n}\n", 2, "nest deeper"},
		{"interpolations", "a.tf", "locals {\n  a = " + strings.Repeat(`"${`, 15) + strings.Repeat(`}"`, 15) + "\n}\n", 2, "nest deeper"},
		{"directives", "a.tf", "locals {\n  a = \"" + strings.Repeat("%{if true}", 30) + strings.Repeat("%{endif}", 30) + "\"\n}\n", 2, "nest deeper"},
		{"heredoc interpolation", "a.tf", "locals {\n  a = <<EOT\nx ${" + strings.Repeat("[", 30) + strings.Repeat("]", 30) + "}\nEOT\n}\n", 3, "nest deeper"},
		{"json", "a.tf.json", `{"locals": {"a": ` + strings.Repeat("[", 30) + strings.Repeat("]", 30) + "}}", 1, "JSON nests deeper than 20"},
		{"json template", "a.tf.json", "{\"locals\": {\n\"a\": \"${" + strings.Repeat("[", 30) + strings.Repeat("]", 30) + "}\"}}", 2, "nest deeper"},
		{"json escaped template", "a.tf.json", "{\"locals\": {\n\"a\": \"\\u0024{" + strings.Repeat("(", 30) + "1" + strings.Repeat(")", 30) + "}\"}}", 2, "nest deeper"},
		{"tokens", "a.tf", "locals {\n  a = [" + strings.Repeat("[],", 400) + "]\n}\n", 2, "more than 1000 tokens"},

		{"invalid utf-8", "a.tf", "locals {\n  a = \"\xd0\"{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{\n}\n", 2, "not valid UTF-8"},

		{"separated sums", "a.tf", "locals {\n" + strings.Repeat("  a = 1 + 1 + 1\n", 30) + "}\n", 0, ""},
		{"separated list items", "a.tf", "locals {\n  a = [" + strings.Repeat("1 + 1, ", 30) + "]\n}\n", 0, ""},
		{"brackets in comments", "a.tf", "# " + strings.Repeat("[", 50) + "\n// " + strings.Repeat("(", 50) + "\n/* " + strings.Repeat("{", 50) + " */\n", 0, ""},
		{"brackets in strings", "a.tf", "locals {\n  a = \"" + strings.Repeat("[{(", 50) + "\"\n  b = \"\\\"" + strings.Repeat("[", 50) + "\"\n}\n", 0, ""},
		{"brackets in a heredoc", "a.tf", "locals {\n  a = <<-EOT\n    " + strings.Repeat("[", 50) + "\n    EOT\n  b = 1\n}\n", 0, ""},
		{"escaped interpolation", "a.tf", "locals {\n  a = \"" + strings.Repeat("$${[", 50) + "\"\n}\n", 0, ""},
		{"json strings", "a.tf.json", `{"locals": {"a": "` + strings.Repeat("[", 50) + `"}}`, 0, ""},
		{"dashed identifiers", "a.tf", "locals {\n  a-" + strings.Repeat("b-", 40) + "c = 1\n}\n", 0, ""},
	}
	lim := loaders.Limits{MaxDepth: 20, MaxNodes: 1000}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := checkSyntax(tt.file, []byte(tt.src), lim)
			switch {
			case tt.wantLine == 0 && d != nil:
				t.Fatalf("refused: %v", d)
			case tt.wantLine == 0:
			case d == nil:
				t.Fatal("accepted")
			case d.Range.File != tt.file || d.Range.Start.Line != tt.wantLine || !strings.Contains(d.Summary, tt.wantMsg) || d.Severity != loaders.Error:
				t.Fatalf("got %v, want %s:%d: ...%s...", d, tt.file, tt.wantLine, tt.wantMsg)
			}
		})
	}
}

// TestCheckSyntaxAcceptsRealConfigurations runs the check with a tight
// depth over every configuration in testdata and the conformance corpora:
// real Terraform stays far below the default limit (-realworld=DIR adds
// checked-out repositories).
func TestCheckSyntaxAcceptsRealConfigurations(t *testing.T) {
	var files []string
	corpus, _ := conformance.Dir()
	for _, root := range []string{"testdata", corpus, *realWorld} {
		_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".tf") || strings.HasSuffix(p, ".tf.json")) {
				files = append(files, p)
			}
			return nil
		})
	}
	if len(files) < 20 {
		t.Fatalf("only %d files found", len(files))
	}
	deepest := 0
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if d := checkSyntax(p, data, loaders.Limits{MaxDepth: 40}); d != nil {
			t.Errorf("%v", d)
		}
		for lim := 40; lim > 0; lim-- {
			if checkSyntax(p, data, loaders.Limits{MaxDepth: lim}) != nil {
				deepest = max(deepest, lim+1)
				break
			}
		}
	}
	t.Logf("%d files, deepest nesting %d", len(files), deepest)
}

// TestDeepHCLIsRefusedNotFatal loads nesting that used to exhaust the
// goroutine stack (a fatal error, not a panic): a few megabytes of it.
func TestDeepHCLIsRefusedNotFatal(t *testing.T) {
	const n = 2_000_000
	for name, src := range map[string]string{
		"brackets.tf":      "locals {\n  a = " + strings.Repeat("[", n) + strings.Repeat("]", n) + "\n}\n",
		"negations.tf":     "locals {\n  a = " + strings.Repeat("!", n) + "true\n}\n",
		"brackets.tf.json": `{"locals": {"a": ` + strings.Repeat("[", n) + strings.Repeat("]", n) + "}}",
	} {
		_, diags := New().Load(context.Background(), []loaders.File{{Path: "deep/" + name, Data: []byte(src)}}, loaders.Options{})
		if len(diags) != 1 || !strings.Contains(diags[0].Summary, "deeper than 200 levels") || diags[0].Range.Start.Line < 1 {
			t.Errorf("%s: %v", name, diags)
		}
	}
}
