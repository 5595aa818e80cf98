// Package static holds the portal's stylesheets and scripts, embedded in
// the binary so that a deployment is one file.
package static

import "embed"

// FS holds every file of this folder but this one.
//
//go:embed *.css *.js
var FS embed.FS
