package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"gopkg.in/yaml.v3"

	"github.com/perimeter-iac/perimeter/cmd/perimeter/internal/suppress"
)

// ConfigName is the file perimeter looks for in the scanned directory and
// its parents.
const ConfigName = ".perimeter.yml"

// Config is .perimeter.yml. Flags override it. The README documents every
// field.
type Config struct {
	// Accounts are the zone of trust's accounts; the first is the account
	// the templates deploy to.
	Accounts []string `yaml:"accounts"`
	// OrgID widens the zone to an AWS Organization.
	OrgID string `yaml:"org_id"`
	// Rules are directories of custom Rego rules, relative to the file.
	Rules []string `yaml:"rules"`
	// Terraform inputs.
	Vars     map[string]string `yaml:"vars"`
	VarFiles []string          `yaml:"var_files"`
	// CloudFormation parameter overrides and parameter files.
	Parameters     map[string]string `yaml:"parameters"`
	ParameterFiles []string          `yaml:"parameter_files"`
	// Partition and Region used to build ARNs the configuration leaves open.
	Partition string `yaml:"partition"`
	Region    string `yaml:"region"`

	// FailOn and FailLevel are the thresholds of --fail-on and
	// --fail-level.
	FailOn    string `yaml:"fail_on"`
	FailLevel string `yaml:"fail_level"`
	// Archive holds archive rules and accepted findings, like
	// .perimeter-archive.yml (docs/integrations.md).
	Archive *suppress.Archive `yaml:"archive"`
	// ArchiveFile is the archive file to read (and `perimeter baseline` to
	// write), relative to this file; default: .perimeter-archive.yml found
	// the way this file is.
	ArchiveFile string `yaml:"archive_file"`

	path string // where it was read from
}

// findConfig looks for .perimeter.yml in dir and its parents.
func findConfig(dir string) (string, bool) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", false
	}
	if st, err := os.Stat(abs); err == nil && !st.IsDir() {
		abs = filepath.Dir(abs)
	}
	for {
		p := filepath.Join(abs, ConfigName)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p, true
		}
		parent := filepath.Dir(abs)
		if parent == abs {
			return "", false
		}
		abs = parent
	}
}

// loadConfig reads a config file strictly: an unknown key is an error with
// its line, so a typo never silently widens or narrows the zone.
func loadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	cfg := &Config{path: path}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil && !errors.Is(err, io.EOF) { // io.EOF: an empty file
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	base := filepath.Dir(path)
	for i, r := range cfg.Rules {
		if !filepath.IsAbs(r) {
			cfg.Rules[i] = filepath.Join(base, r)
		}
	}
	for _, list := range [][]string{cfg.VarFiles, cfg.ParameterFiles} {
		for i, f := range list {
			if !filepath.IsAbs(f) {
				list[i] = filepath.Join(base, f)
			}
		}
	}
	return cfg, nil
}
