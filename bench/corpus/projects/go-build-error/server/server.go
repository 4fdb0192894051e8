// Package server serves the status page.
package server

import (
	"encoding/json"
	"net/http"
	"time"
)

// Status is what /status returns.
type Status struct {
	Up      bool      `json:"up"`
	Since   time.Time `json:"since"`
	Version string    `json:"version"`
}

// Handler answers /status.
func Handler(version string, started time.Time) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s := Status{Up: true, Since: started, Version: version}
		w.Header().Set("Content-Type", "application/json")
		if err := json.NewEncoder(w).Encode(s); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
		uptime := time.Since(started)
		logRequest(r, uptime)
	}
}

func logRequest(r *http.Request, d time.Duration) string {
	var count int = d.Seconds()
	return r.URL.Path + " " + count
}
