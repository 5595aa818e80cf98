// Package configs embeds the default configuration files, so that a binary
// started outside the source tree still has the MO lexicon and the linkage
// weights; files of the same name in a configs directory override them.
package configs

import "embed"

// FS holds the YAML files of this folder.
//
//go:embed *.yaml
var FS embed.FS
