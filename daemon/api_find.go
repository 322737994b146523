package daemon

import (
	"net/http"
)

// getFind answers searches while no store is configured: nothing is found.
// Clients such as `snap info NAME` ask the store before showing what is
// installed, and take "snap not found" as "show the local snap only".
func (d *Daemon) getFind(w http.ResponseWriter, r *http.Request) {
	if name := r.URL.Query().Get("name"); name != "" {
		errorResponse(w, http.StatusNotFound, "snap-not-found", "snap not found", nil)
		return
	}
	writeJSON(w, envelope{Type: "sync", StatusCode: 200, Status: "OK", Result: []snapJSON{}, Sources: []string{"store"}})
}
