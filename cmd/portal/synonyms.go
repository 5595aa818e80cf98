package main

import (
	"os"

	"github.com/investigation-portal/portal/index"
)

// loadSynonyms gives the index the synonym groups searches are widened
// with. They are read at start-up and applied at query time, so editing the
// file needs a restart, not a reindex. A file named in the configuration
// must load; the default one is optional.
func (m *Main) loadSynonyms() error {
	path, explicit := m.Config.Synonyms, m.Config.Synonyms != ""
	if !explicit {
		path = "configs/synonyms.txt"
		if _, err := os.Stat(path); err != nil {
			m.Log.Debug("no synonym file; searches use the words as typed", "path", path)
			return nil
		}
	}
	syn, err := index.LoadSynonyms(path)
	if err != nil {
		return err
	}
	m.Index.SetSynonyms(syn)
	return nil
}
